/** Wording an undo outcome, shared by the `undo` command and the Undo button. */
import { and, eq } from 'drizzle-orm';
import { accounts } from '../db/schema.ts';
import type { UndoOutcome } from '../pipeline/undo.ts';
import type { AssistantDeps, Session } from './context.ts';
import type { Reply } from './types.ts';

export async function undoReply(
  deps: AssistantDeps,
  session: Session,
  outcome: UndoOutcome,
): Promise<Reply> {
  const { t, locale } = session;
  const text = (s: string, tone: 'success' | 'warning' = 'warning'): Reply => ({
    kind: 'text',
    locale,
    text: s,
    tone,
  });
  switch (outcome.status) {
    case 'undone': {
      const [acc] = await deps.db
        .select({ name: accounts.name })
        .from(accounts)
        .where(
          and(
            eq(accounts.workspaceId, session.workspace.id),
            eq(accounts.id, outcome.deal.accountId),
          ),
        );
      const name = acc?.name ?? outcome.deal.title;
      if (outcome.skipped.length) {
        const labels = outcome.skipped
          .map((f) => (t.fields as Record<string, string>)[f] ?? f)
          .join(', ');
        return text(t.undonePartly(name, labels));
      }
      return text(t.undone(name), 'success');
    }
    case 'already_undone':
      return text(t.alreadyUndone);
    case 'nothing_to_undo':
      return text(t.nothingToUndo);
    case 'conflict':
      return text(
        t.undoConflict(
          outcome.fields.map((f) => (t.fields as Record<string, string>)[f] ?? f).join(', '),
        ),
      );
    case 'forbidden':
      return text(t.forbidden);
    case 'not_found':
      return text(t.notFound);
  }
}
