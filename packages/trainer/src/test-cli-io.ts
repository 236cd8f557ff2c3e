import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A CLI `io` for the trainer's tests (not exported): collects what `main` prints. */
export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

/** The built `ppo` executable, for tests that need a fresh process (not exported). */
export function builtCli(): string {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build the package first (pnpm build)`);
  return cli;
}
