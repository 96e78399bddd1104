/** Run the `pipebot` command in-process with captured output and a clean environment. */
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(into: { text: string }): Writable {
  return new Writable({
    write(chunk, _enc, done) {
      into.text += chunk.toString();
      done();
    },
  });
}

export async function runCli(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const out = { text: '' };
  const err = { text: '' };
  const code = await main(argv, {
    stdin: Readable.from([]),
    stdout: sink(out),
    stderr: sink(err),
    env: { PIPEBOT_TIMEZONE: 'UTC', ...env },
  });
  return { code, stdout: out.text, stderr: err.text };
}
