import { renderReply } from '../adapters/console/render.ts';
import { createApp } from '../app.ts';
import type { Command } from './command.ts';

export const retryFailedCommand: Command = {
  name: 'retry-failed',
  summary: 're-run stored messages whose processing failed',
  usage: ['retry-failed'],
  async run(ctx) {
    const config = ctx.config();
    const database = await ctx.openDb();
    const app = createApp(config, database, ctx.logger());
    const results = await app.assistant.retryFailed(null);
    let still = 0;
    for (const { row, result } of results) {
      if (result.status === 'failed') still++;
      ctx.print(`${row.platform}/${row.channel}/${row.messageId}: ${result.status}`);
      for (const r of result.replies) ctx.print(renderReply(r).replace(/^/gm, '  '));
    }
    ctx.print(
      `${results.length} retried, ${results.length - still} succeeded, ${still} still failing`,
    );
    return still > 0 ? 1 : 0;
  },
};
