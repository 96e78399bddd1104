/**
 * The question answerer behind `QuestionAnswerer`: choose a query (the LLM
 * when one is configured, the offline router otherwise or when the LLM
 * fails), run it within the session's workspace and visibility, and word the
 * answer with our own templates. A model may add one sentence of commentary;
 * any number in it that the result does not contain is removed.
 */
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/connect.ts';
import type { Logger } from '../../log.ts';
import { recentAccountNames } from '../../pipeline/accounts.ts';
import { queryScope } from '../../pipeline/queries/scope.ts';
import type { QueryCall } from '../../understand/questions/catalog.ts';
import { type Execution, executeQuery } from '../../understand/questions/execute.ts';
import { createOfflineChooser, routeQuestion } from '../../understand/questions/router.ts';
import type { AskContext, Choice, QueryChooser } from '../../understand/questions/types.ts';
import type { QuestionAnswerer, Session } from '../context.ts';
import type { Reply } from '../types.ts';
import { type ChartRenderer, type ChartSpec, chartFor } from './charts.ts';
import { numbersIn, sanitizeCommentary } from './commentary.ts';
import { capabilitiesReply, composeAnswer } from './compose.ts';

/** Questions longer than this are cut before routing (the whole text stays in the inbox). */
export const MAX_QUESTION_CHARS = 1000;

export interface AskOutcome {
  /** The query that answered, or null when none did. */
  query: QueryCall | null;
  /** The query's result (with the period and owner it covered), or null. */
  result: unknown;
  replies: Reply[];
  /** Who chose the query. */
  source: 'offline' | 'llm';
  /** The chart that would illustrate this answer, when there is one. */
  chart: ChartSpec | null;
}

export interface PipelineAnswerer extends QuestionAnswerer {
  ask(question: string, session: Session): Promise<AskOutcome>;
}

export interface AnswererDeps {
  db: Db;
  logger: Logger;
  /** The LLM strategy; absent: offline only. */
  llm?: QueryChooser;
  /** Attaches chart images to answers that have one; null or absent: no images. */
  chartRenderer?: ChartRenderer | null;
}

async function askContext(db: Db, session: Session): Promise<AskContext> {
  const [members, accounts] = await Promise.all([
    queryRows<{ id: string; name: string; external_id: string }>(
      db,
      sql`select id, display_name as name, external_id from members
          where workspace_id = ${session.workspace.id} order by created_at limit 500`,
    ),
    recentAccountNames(db, session.workspace.id, 300),
  ]);
  return {
    workspaceId: session.workspace.id,
    locale: session.locale,
    timezone: session.timezone,
    now: session.now,
    today: session.today,
    template: session.template,
    self: {
      id: session.member.id,
      name: session.member.displayName,
      externalId: session.member.externalId,
    },
    members: members.map((m) => ({ id: m.id, name: m.name, externalId: m.external_id })),
    accounts,
  };
}

/** The result as JSON for `--json`: the figures plus the period and owner they cover. */
function resultJson(exec: Execution): unknown {
  if (!exec.ok) return { problem: exec.problem };
  return {
    ...(exec.period ? { period: exec.period } : {}),
    ...(exec.owner ? { owner: exec.owner } : {}),
    ...exec.result.data,
  };
}

export function createQuestionAnswerer(deps: AnswererDeps): PipelineAnswerer {
  const offline = createOfflineChooser();
  const log = deps.logger;

  async function choose(
    question: string,
    ctx: AskContext,
  ): Promise<{ choice: Choice; source: 'offline' | 'llm'; degraded: boolean }> {
    if (deps.llm) {
      try {
        return { choice: await deps.llm.choose(question, ctx), source: 'llm', degraded: false };
      } catch (err) {
        log.warn(
          { err: (err as Error)?.message, workspaceId: ctx.workspaceId },
          'the LLM could not choose a query; using the offline router',
        );
        return { choice: await offline.choose(question, ctx), source: 'offline', degraded: true };
      }
    }
    return { choice: await offline.choose(question, ctx), source: 'offline', degraded: false };
  }

  async function ask(question: string, session: Session): Promise<AskOutcome> {
    const { locale, t } = session;
    const ctx = await askContext(deps.db, session);
    const { choice, source, degraded } = await choose(question.slice(0, MAX_QUESTION_CHARS), ctx);
    const note: Reply[] = degraded
      ? [{ kind: 'text', locale, text: t.aiUnavailable, tone: 'info' }]
      : [];

    if (choice.kind === 'refused') {
      log.warn({ workspaceId: ctx.workspaceId, reason: choice.reason }, 'refused a tool call');
      return {
        query: null,
        result: null,
        replies: [
          { kind: 'text', locale, text: t.answers.refused, tone: 'warning' },
          capabilitiesReply(session),
        ],
        source,
        chart: null,
      };
    }
    if (choice.kind === 'unknown')
      return {
        query: null,
        result: null,
        replies: [capabilitiesReply(session), ...note],
        source,
        chart: null,
      };

    const scope = queryScope(session.workspace, session.member, session.now, session.timezone);
    const exec = await executeQuery(deps.db, scope, ctx, choice.call);
    const replies = composeAnswer(session, exec);
    const result = resultJson(exec);

    if (choice.commentary && exec.ok) {
      const known = numbersIn([result, replies]);
      const line = sanitizeCommentary(choice.commentary, known);
      if (line) replies.push({ kind: 'text', locale, text: line, tone: 'info' });
    }

    const first = replies[0];
    const title = first && 'title' in first ? first.title : '';
    const chart = chartFor(session, exec, title);
    if (chart && deps.chartRenderer) {
      try {
        const png = await deps.chartRenderer(chart);
        replies.push({ kind: 'image', locale, title, png, alt: title });
      } catch (err) {
        log.warn({ err: (err as Error)?.message, chart: chart.kind }, 'chart rendering failed');
      }
    }
    return { query: exec.call, result, replies: [...replies, ...note], source, chart };
  }

  return {
    ask,
    async answer(question, session) {
      return (await ask(question, session)).replies;
    },
    async recognizes(question, session) {
      const ctx = await askContext(deps.db, session);
      return routeQuestion(question.slice(0, MAX_QUESTION_CHARS), ctx) !== null;
    },
  };
}
