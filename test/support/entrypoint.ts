import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs an entrypoint in its own Node process, not the test runner's loader: compiled JavaScript
 * (`dist/…/server.js`, as the images run it) with plain `node`, TypeScript the way `npm run api`
 * and `npm run worker` do, with tsx. Its stdin is a pipe the test may write to.
 */
export function runEntrypoint(entry: string, env: Record<string, string>) {
  const args = entry.endsWith('.js') ? [entry] : ['--import', 'tsx', entry];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

export async function until(ok: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ok()) return true;
    await sleep(250);
  }
  return false;
}

/**
 * `npm run build` into a fresh folder under test-results/ (inside the project, so the compiled code
 * finds node_modules): the compiled sources (emitted without a second type check: `npm test` has
 * run tsc already), the migrations, the failure converter and the workflow bundle.
 */
export async function buildDist(): Promise<string> {
  const run = promisify(execFile);
  const dist = await mkdtemp(join(ROOT, 'test-results', 'dist-'));
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noCheck', '--outDir', dist], { cwd: ROOT });
  await run(process.execPath, [join(dist, 'scripts/build-assets.js')], { cwd: ROOT });
  return dist;
}
