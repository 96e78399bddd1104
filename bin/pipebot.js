#!/usr/bin/env node
// The `pipebot` command. The sources are TypeScript, loaded through tsx's ESM hooks.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
// Whatever handle might still be open (a socket closing, a timer), do not hang after the command is done.
setTimeout(() => process.exit(code), 500).unref();
