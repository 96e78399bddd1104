/**
 * When the LLM provider says the quota is used up, a workspace's admins are
 * told once a day, by DM through the running adapter, in their language:
 * pipebot keeps working with the offline rules until someone tops up the
 * account. The post key (`llm-quota:<workspace>:<date>`) makes the notice
 * idempotent across replicas and restarts.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/connect.ts';
import { members, workspaces } from '../db/schema.ts';
import { toLocalDate } from '../lib/time.ts';
import type { Logger } from '../log.ts';
import type { QuotaNotice } from '../understand/index.ts';
import type { OutboundRegistry } from './outbound.ts';
import type { Reply } from './types.ts';

const TEXT = {
  en: (model: string) =>
    `The AI provider reports that its quota is used up (model ${model}). pipebot keeps reading updates with its offline rules, which understand the common phrasings but miss more than the AI does. Top up or raise the limit with the provider; pipebot returns to the AI on its own.`,
  'zh-CN': (model: string) =>
    `AI 服务商提示额度已用完(模型 ${model})。pipebot 暂时改用离线规则理解更新,常见说法都能识别,但不如 AI 全面。请在服务商处充值或提高限额,恢复后 pipebot 会自动切回 AI。`,
} as const;

export function quotaNoticeKey(workspaceId: string, date: string): string {
  return `llm-quota:${workspaceId}:${date}`;
}

export function createQuotaNotifier(deps: {
  db: Db;
  outbounds: OutboundRegistry;
  logger: Logger;
}): (notice: QuotaNotice) => Promise<void> {
  return async (notice) => {
    const [ws] = await deps.db
      .select()
      .from(workspaces)
      .where(eq(workspaces.id, notice.workspaceId));
    if (!ws) return;
    const outbound = deps.outbounds[ws.platform];
    const admins = await deps.db
      .select()
      .from(members)
      .where(and(eq(members.workspaceId, ws.id), eq(members.role, 'admin')));
    deps.logger.warn(
      { workspaceId: ws.id, model: notice.model, admins: admins.length },
      'the LLM provider’s quota is used up; reading messages with the offline rules',
    );
    if (!outbound) return;
    const date = toLocalDate(notice.at, ws.timezone);
    for (const admin of admins) {
      // The admin's own language when they set one, else the workspace's.
      const locale = (admin.locale ?? ws.locale) === 'zh-CN' ? 'zh-CN' : 'en';
      const reply: Reply = {
        kind: 'text',
        locale,
        tone: 'warning',
        text: TEXT[locale](notice.model),
      };
      try {
        await outbound.send(
          ws,
          { kind: 'dm', user: admin.externalId },
          [reply],
          `${quotaNoticeKey(ws.id, date)}:${admin.id}`,
        );
      } catch (err) {
        deps.logger.error(
          { err, workspaceId: ws.id },
          'could not tell an admin about the LLM quota',
        );
      }
    }
  };
}
