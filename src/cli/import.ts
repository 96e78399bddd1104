import { createReadStream, existsSync } from 'node:fs';
import { parse } from 'csv-parse';
import {
  type CsvColumn,
  type CsvDealRow,
  importDeals,
  isRowError,
  parseCsvRow,
  type RowError,
  readHeader,
} from '../pipeline/csv.ts';
import { templateOf } from '../pipeline/workspaces.ts';
import { type Command, UsageError } from './command.ts';
import { consoleIdentity } from './workspace.ts';

const MAX_REPORTED = 50;

export const importCommand: Command = {
  name: 'import',
  summary: 'import deals from a CSV file (bad rows are reported by line, good rows imported)',
  usage: ['import [--as NAME] FILE.csv'],
  options: { as: { type: 'string' } },
  details: [
    'header: account,title,owner,stage,amount,currency,close_date,next_step,next_step_due,last_activity_at,created_at',
    'stage takes a stage key or its English or Chinese name; dates are ISO 8601.',
    'Owners are matched by name (unknown names become members); a row matching an existing',
    'deal (same account, owner and title) updates it. All good rows are written in one transaction.',
  ],
  async run(ctx, values, positionals) {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError('give exactly one CSV file');
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
    const database = await ctx.openDb();
    const { workspace, member } = await consoleIdentity(
      ctx,
      database.db,
      values.as as string | undefined,
    );
    const template = templateOf(workspace);

    const parser = createReadStream(file).pipe(
      parse({
        bom: true,
        relax_column_count: true,
        skip_empty_lines: true,
        trim: false,
        max_record_size: 1_000_000,
        // Each record with a snapshot of the parser's position: the parser reads ahead, so its
        // live line count is not the line of the record being handled.
        info: true,
      }),
    );
    let header: Map<CsvColumn, number> | undefined;
    const good: CsvDealRow[] = [];
    const bad: RowError[] = [];
    try {
      for await (const { record, info } of parser as AsyncIterable<{
        record: string[];
        info: { lines: number };
      }>) {
        const line = info.lines;
        if (!header) {
          const h = readHeader(record);
          if ('error' in h) throw new UsageError(h.error);
          header = h.index;
          continue;
        }
        const r = parseCsvRow(record, line, header, template, workspace.currency);
        if (isRowError(r)) bad.push(r);
        else good.push(r as CsvDealRow);
      }
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${file} is not readable CSV: ${(err as Error).message}`);
    }
    if (!header) throw new UsageError(`${file} is empty`);

    const result = await importDeals(database.db, workspace, member, good, ctx.now());
    for (const e of bad.slice(0, MAX_REPORTED))
      ctx.io.stderr.write(`line ${e.line}: ${e.reason}\n`);
    if (bad.length > MAX_REPORTED)
      ctx.io.stderr.write(`…and ${bad.length - MAX_REPORTED} more bad rows\n`);
    ctx.print(
      `imported ${good.length} row${good.length === 1 ? '' : 's'} (${result.created} new deals, ${result.updated} updated); ${bad.length} bad row${bad.length === 1 ? '' : 's'} skipped`,
    );
    return bad.length > 0 ? 1 : 0;
  },
};
