import { once } from 'node:events';
import { CSV_HEADER, csvField, type ExportRow, exportDealPages } from '../pipeline/csv.ts';
import { type Command, UsageError } from './command.ts';
import { consoleIdentity } from './workspace.ts';

function csvLine(r: ExportRow): string {
  return [
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
    .join(',');
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'print every deal as CSV (the import format) or JSON',
  usage: ['export [--format csv|json]'],
  options: { format: { type: 'string' } },
  details: ['Deals are read and written a page at a time, so large workspaces stream.'],
  async run(ctx, values) {
    const format = (values.format as string | undefined) ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
    const database = await ctx.openDb();
    const { workspace } = await consoleIdentity(ctx, database.db, undefined);
    const out = ctx.io.stdout;
    // Respect back-pressure: a slow reader (a pipe to gzip, a file) never makes us buffer everything.
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    if (format === 'json') {
      await write(
        `{"workspace":${JSON.stringify(workspace.externalId)},"currency":${JSON.stringify(workspace.currency)},"deals":[`,
      );
      let first = true;
      for await (const page of exportDealPages(database.db, workspace)) {
        const chunk = page.map((r) => JSON.stringify(r)).join(',\n');
        await write(`${first ? '\n' : ',\n'}${chunk}`);
        first = false;
      }
      await write(']}\n');
      return 0;
    }
    await write(`${CSV_HEADER.join(',')}\n`);
    for await (const page of exportDealPages(database.db, workspace))
      await write(`${page.map(csvLine).join('\n')}\n`);
    return 0;
  },
};
