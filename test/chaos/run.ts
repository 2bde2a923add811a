import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `npm run test:chaos [-- --cluster] [vitest options]`: the chaos suite against the Temporal dev
 * server, or with `--cluster` against the production-shaped stack of `npm run cluster` (SPEC §11).
 * Vitest refuses options it does not know, so `--cluster` becomes CHAOS_TARGET for
 * vitest.chaos.config.ts, and everything else goes to vitest as given.
 */
const args = process.argv.slice(2);
const cluster = args.includes('--cluster');
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const child = spawn(
  process.execPath,
  [vitest, 'run', '--config', 'vitest.chaos.config.ts', ...args.filter((a) => a !== '--cluster')],
  { stdio: 'inherit', env: { ...process.env, CHAOS_TARGET: cluster ? 'cluster' : 'dev-server' } },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
