import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { measureCpu } from '../cpu.js';
import type { LoadJob, LoadResult, Mix, PostJob } from './load/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOAD_SCRIPT = fileURLToPath(new URL('./load/main.ts', import.meta.url));

/** Requests (or signals) in flight at full speed, the same for every variant. */
export const CONNECTIONS = 32;
/** The steady rate of the open-loop runs. */
export const FIXED_RATE = 500;
export const WARMUP_SECONDS = 1;

/** The processes besides this one whose CPU a run accounts for (set once the stack is up). */
const measured: Record<string, number | undefined> = {};
export const measureCpuOf = (named: Record<string, number | undefined>) => Object.assign(measured, named);

/** Runs one load job in a child process and returns its result, with where the CPU went meanwhile. */
export async function load(job: LoadJob): Promise<LoadResult> {
  const { result, cpu } = await measureCpu(measured, () => loadOnce(job));
  return { ...result, cpu };
}

function loadOnce(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD_SCRIPT, JSON.stringify(job)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4_000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(line) as LoadResult);
      } catch (error) {
        reject(new Error(`load generator failed (${(error as Error).message}): ${err || out}`));
      }
    });
  });
}

/** Lets the worker finish the workflow tasks of the previous run before the next one starts. */
export const settle = () => sleep(1_000);

/** Builds webhook jobs for one run each: every job gets its own event-id prefix. */
export function webhookJobs({ secret, smileUserIds }: { secret: string; smileUserIds: string[] }) {
  let run = 0;
  return (url: string, mix: Mix, durationSeconds: number, overallRate?: number): PostJob => ({
    mode: 'post',
    url,
    secret,
    prefix: `et-${process.pid}-${run++}`,
    smileUserIds,
    mix,
    connections: CONNECTIONS,
    durationSeconds,
    ...(overallRate ? { overallRate } : {}),
  });
}
