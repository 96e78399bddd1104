import { CSV_HEADER, csvField, exportDeals } from '../pipeline/csv.ts';
import { type Command, UsageError } from './command.ts';
import { consoleIdentity } from './workspace.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'print every deal as CSV (the import format) or JSON',
  usage: ['export [--format csv|json]'],
  options: { format: { type: 'string' } },
  async run(ctx, values) {
    const format = (values.format as string | undefined) ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
    const database = await ctx.openDb();
    const { workspace } = await consoleIdentity(ctx, database.db, undefined);
    const rows = await exportDeals(database.db, workspace);
    if (format === 'json') {
      ctx.print(
        JSON.stringify(
          { workspace: workspace.externalId, currency: workspace.currency, deals: rows },
          null,
          2,
        ),
      );
      return 0;
    }
    ctx.print(CSV_HEADER.join(','));
    for (const r of rows) {
      ctx.print(
        [
          r.account,
          r.title,
          r.owner,
          r.stage,
          r.amount,
          r.currency,
          r.closeDate,
          r.nextStep,
          r.nextStepDue,
          r.lastActivityAt,
          r.createdAt,
        ]
          .map(csvField)
          .join(','),
      );
    }
    return 0;
  },
};
