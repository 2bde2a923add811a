import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../api/app.js';
import { createSql, dropDatabase, ensureDatabase, type Sql } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { loadConfig, type Config } from '../config/index.js';
import { createTemporalClient } from '../runtime/temporal.js';
import { buildSandbox } from '../sandbox/app.js';
import { smileSandboxRequest } from '../sandbox/client.js';
import { startTemporalDevServer, type DevServer } from '../scripts/temporal-server.js';
import type { BenchContext } from './types.js';
import { freePort } from '../scripts/ports.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const API_KEY = 'bench-api-key-0123';

export interface BenchStack {
  config: Config;
  sql: Sql;
  apiUrl: string;
  sandboxUrl: string;
  temporal: ReturnType<typeof createTemporalClient>;
  /** The dev server this stack started; none when it runs on a given Temporal (the cluster section). */
  server: DevServer | undefined;
  /** The worker runs as its own process (as in production) so its memory can be read. */
  worker: WorkerProcess;
  close(): Promise<void>;
}

export interface WorkerProcess {
  metricsUrl: string;
  /** The running worker's process id (a restart makes a new one). */
  pid(): number | undefined;
  rssMb(): Promise<number>;
  restart(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * The product as it runs in production, on this machine: a Temporal dev server
 * (in memory) unless `temporalAddress` names a running one, a fresh database on
 * the local Postgres, the sandbox and the API in this process, and one worker
 * process running the prebuilt workflow bundle.
 */
export async function startBenchStack(
  ctx: BenchContext,
  { workerEnv = {} as Record<string, string>, temporalAddress = undefined as string | undefined } = {},
): Promise<BenchStack> {
  const server = temporalAddress
    ? undefined
    : await startTemporalDevServer({ binary: ctx.temporalBinary, port: await freePort() });
  const url = new URL(ctx.databaseUrl);
  url.pathname = `/smile_verify_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  const sandbox = await buildSandbox({
    apiKey: 'sandbox-key',
    apiSecret: 'sandbox-secret',
    webhookRetryDelaysMs: [200, 400],
  });
  const sandboxUrl = await sandbox.listen({ port: 0, host: '127.0.0.1' });
  const apiPort = await freePort();
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    API_KEYS: API_KEY,
    API_RATE_LIMIT_PER_MINUTE: '100000000',
    PORT: String(apiPort),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '10',
    TEMPORAL_ADDRESS: temporalAddress ?? server!.address,
    TEMPORAL_TASK_QUEUE: 'bench',
    SMILE_API_URL: `${sandboxUrl}/v1`,
    SMILE_ID_URL: `${sandboxUrl}/smile-id/v1`,
    // The sandbox has no rate limit; Smile's own (20/s per process) would make the scale section take minutes just to start.
    SMILE_RATE_LIMIT_PER_SECOND: '2000',
  };
  const config = loadConfig(env);
  const sql = createSql(databaseUrl, { max: 10 });
  await migrate(sql);
  const temporal = createTemporalClient(config);
  const app = await buildApp({ config, sql, temporal });
  const apiUrl = await app.listen({ port: apiPort, host: '127.0.0.1' });
  await smileSandboxRequest(sandboxUrl, 'POST', '/v1/webhooks', {
    url: `${apiUrl}/webhooks/smile`,
    includePayload: true,
  });
  const worker = await startWorkerProcess(ctx, { ...env, ...workerEnv });

  return {
    config,
    sql,
    apiUrl,
    sandboxUrl,
    temporal,
    server,
    worker,
    async close() {
      await worker.stop();
      await app.close();
      await temporal.connection.close();
      await sandbox.close();
      await sql.end({ timeout: 1 });
      await server?.stop();
      await dropDatabase(databaseUrl).catch(() => {});
    },
  };
}

let bundlePath: Promise<string> | undefined;
async function workflowBundle(): Promise<string> {
  const { buildWorkflowBundle } = await import('../scripts/build-workflows.js');
  bundlePath ??= buildWorkflowBundle(fileURLToPath(new URL('../.dev/bench/workflow-bundle.js', import.meta.url)));
  return bundlePath;
}

/** The worker image's settings (Dockerfile, docs/deployment.md "Worker memory"). */
const WORKER_NODE_OPTIONS = '--max-semi-space-size=4 --max-old-space-size=256';

async function startWorkerProcess(ctx: BenchContext, env: Record<string, string>): Promise<WorkerProcess> {
  const metricsPort = await freePort();
  // NODE_OPTIONS as the Dockerfile's worker stage sets it.
  const fullEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_OPTIONS: WORKER_NODE_OPTIONS,
    MALLOC_ARENA_MAX: '2',
    ...env,
    WORKFLOW_BUNDLE_PATH: await workflowBundle(),
    WORKER_METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'warn',
    WORKER_SHUTDOWN_GRACE_SECONDS: '2',
  };
  let child: ChildProcess;
  const stopping = new WeakSet<ChildProcess>();
  const start = async () => {
    // --cpu-prof is refused in NODE_OPTIONS: a profiled worker gets it on its command line.
    const profile = ctx.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}/worker`] : [];
    child = spawn(process.execPath, [...profile, '--import', 'tsx', 'worker/main.ts'], {
      cwd: ROOT,
      env: fullEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
    child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
    // A worker that dies on its own says why: a benchmark that then only times out would hide it.
    const running = child;
    running.once('exit', (code, signal) => {
      if (!stopping.has(running)) ctx.log(`  worker exited unexpectedly (${signal ?? `code ${code}`}):\n${output}`);
    });
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    for (let i = 0; i < 240; i++) {
      if (child.exitCode !== null) throw new Error(`worker exited: ${output}`);
      if (
        await fetch(metricsUrl).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await sleep(250);
    }
    throw new Error(`worker did not start: ${output}`);
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null) return;
    stopping.add(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  await start();
  ctx.log('  worker process started (prebuilt bundle)');
  return {
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    pid: () => child.pid,
    async rssMb() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
    },
    async restart() {
      // A profiled worker writes its profile only when it exits on its own.
      await stop(ctx.profileDir ? 'SIGTERM' : 'SIGKILL');
      await start();
    },
    stop,
  };
}

export async function api<T>(
  stack: Pick<BenchStack, 'apiUrl'>,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const send = () =>
    fetch(stack.apiUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let response = await send();
  // Load shedding answers 503 with Retry-After: the bench's client waits and retries, as any client would.
  for (let retries = 0; response.status === 503 && response.headers.has('retry-after') && retries < 5; retries++) {
    await response.body?.cancel();
    await sleep(Number(response.headers.get('retry-after')) * 1_000);
    response = await send();
  }
  return { status: response.status, body: (await response.json()) as T };
}

/** Runs `task` over `items` with at most `concurrency` at once. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  // After a failure no task starts, and the failure is thrown once those in flight have settled,
  // so the caller's cleanup (closing the API and its Temporal client) never races them.
  let failure: { error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (!failure && next < items.length) {
        const index = next++;
        try {
          results[index] = await task(items[index]!, index);
        } catch (error) {
          failure ??= { error };
        }
      }
    }),
  );
  if (failure) throw failure.error;
  return results;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));
