import { setTimeout as sleep } from 'node:timers/promises';
import { sandboxConnect, smileSandboxRequest } from '../sandbox/client.js';
import { SANDBOX_USERS, type SandboxPersona } from '../sandbox/users.js';
import { nextConnectionCheck } from '../workflows/connection-checks.js';
import { durationMs } from '../workflows/duration.js';
import { verificationWorkflowId } from '../workflows/ids.js';
import { idleCpu, measureCost, perOne, scaled, type Cost } from './cost-measure.js';
import type { CostFigures } from './capacity.js';
import type { CpuShare } from './cpu.js';
import { api, pool, round, startBenchStack, type BenchStack } from './stack.js';
import type { BenchContext, BenchSection } from './types.js';

interface Doc {
  status: string;
  accounts: { accountId: string }[];
  monitoring?: { status: string; lastSyncAt?: string };
}

async function until(
  stack: BenchStack,
  id: string,
  ok: (doc: Doc) => boolean,
  { timeoutMs = 240_000, everyMs = 250 } = {},
): Promise<Doc> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api<Doc>(stack, 'GET', `/v1/verifications/${id}`);
    if (ok(body)) return body;
    if (Date.now() > deadline) throw new Error(`${id}: still ${body.status}`);
    await sleep(everyMs);
  }
}

/** Starts a verification (and links `user` in the sandbox when given); answers its id. */
async function start(stack: BenchStack, user: string, policy: object, linked?: SandboxPersona): Promise<string> {
  const applicant = { fullName: (linked ?? SANDBOX_USERS.george).fullName };
  const started = await api<{ verificationId: string; link: { userToken: string } }>(
    stack,
    'POST',
    '/v1/verifications',
    {
      externalUserId: user,
      applicant,
      policy,
    },
  );
  if (started.status >= 300) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
  if (linked) await sandboxConnect(stack.sandboxUrl, started.body.link.userToken, linked);
  return started.body.verificationId;
}

const users = (name: string, n: number) => Array.from({ length: n }, (_, i) => `cost-${name}-${i}`);
const closed = (doc: Doc) => ['COMPLETED', 'EXPIRED', 'FAILED', 'CANCELLED'].includes(doc.status);

/** How many connection checks a wait of `timeout` at `interval` makes (the workflow's schedule). */
export function checksIn(interval: string, timeout: string): number {
  const intervalMs = durationMs(interval);
  const deadline = durationMs(timeout);
  let count = 0;
  for (let at = 0; at < deadline; count++) at = nextConnectionCheck({ since: 0, intervalMs, deadline, after: at });
  return count;
}

/** The scenarios, each measured on its own: the cost of `n` verifications of each kind. */
async function scenarios(stack: BenchStack, n: number, idle: CpuShare) {
  const happy = await measureCost(stack, idle, async () => {
    const ids = users('happy', n);
    await pool(ids, n, async (u) => until(stack, await start(stack, u, {}, SANDBOX_USERS.george), closed));
    return ids;
  });
  const abandon = (timeout: string) =>
    measureCost(stack, idle, async () => {
      const ids = users(`abandoned-${timeout}`, n);
      const policy = { connectionCheckInterval: '5s', connectTimeout: timeout };
      // Asked rarely: the wait is long, and the asking is not the verification's cost.
      await pool(ids, n, async (u) => until(stack, await start(stack, u, policy), closed, { everyMs: 5_000 }));
      return ids;
    });
  const abandonedShort = await abandon('35s');
  const abandonedLong = await abandon('75s');
  const review = await measureCost(stack, idle, async () => {
    const ids = users('review', n);
    await pool(ids, n, async (u) => {
      const id = await start(stack, u, { review: { enabled: true } }, SANDBOX_USERS.ryan);
      await until(stack, id, (doc) => doc.status === 'IN_REVIEW' || closed(doc));
      await api(stack, 'POST', `/v1/verifications/${id}/review`, { outcome: 'APPROVED', reviewer: 'bench' });
      await until(stack, id, closed);
    });
    return ids;
  });
  const monitored = await measureCost(stack, idle, async () => {
    const ids = users('monitored', n);
    await pool(ids, n, async (u) => {
      const id = await start(stack, u, { monitor: { enabled: true, duration: '30d' } }, SANDBOX_USERS.george);
      const doc = await until(stack, id, (d) => closed(d) && d.monitoring?.status === 'ACTIVE');
      // A provider's monthly refresh: one continuous-sync event, re-evaluated by the monitor.
      await smileSandboxRequest(
        stack.sandboxUrl,
        'POST',
        `/sandbox/v1/accounts/${doc.accounts[0]!.accountId}/sync`,
        {},
      );
      await until(stack, id, (d) => d.monitoring?.lastSyncAt !== undefined);
      await api(stack, 'DELETE', `/v1/verifications/${id}/monitor`);
      await stack.temporal.client.workflow.getHandle(verificationWorkflowId(u)).result();
    });
    return ids;
  });
  return { happy, abandonedShort, abandonedLong, review, monitored };
}

const row = (label: string, c: Cost) => [
  label,
  round(c.cpuMs.api),
  round(c.cpuMs.worker),
  round(c.cpuMs.temporal),
  round(c.cpuMs.postgres),
  round(c.cpuMs.api + c.cpuMs.worker + c.cpuMs.temporal + c.cpuMs.postgres),
  round(c.actions),
  round(c.events),
  round(c.historyBytes / 1024, 1),
  round(c.rowsWritten),
  round(c.bytesStored / 1024, 1),
  round(c.smileCalls, 1),
];

/**
 * What one verification costs, by kind: CPU by component, Temporal actions and
 * history, Postgres rows and bytes, Smile calls. The abandoned one under the
 * default policy (72 h, checks from 15 min backing off) is scaled from two short
 * runs that differ by one connection check.
 */
export async function benchCost(ctx: BenchContext): Promise<BenchSection> {
  const n = ctx.quick ? 3 : 10;
  const stack = await startBenchStack(ctx);
  try {
    await until(stack, await start(stack, 'cost-warmup', {}, SANDBOX_USERS.george), closed);
    const idle = await idleCpu(stack, 10);
    ctx.log(`  ${n} of each: happy path, abandoned (35 s and 75 s), review, monitored`);
    const s = await scenarios(stack, n, idle);
    const defaultChecks = checksIn('15m', '72h');
    const shortChecks = checksIn('5s', '35s');
    const extra = defaultChecks - shortChecks;
    const happy = perOne(s.happy, n);
    const abandoned = scaled(s.abandonedShort, s.abandonedLong, extra, n);
    const review = perOne(s.review, n);
    const monitorMonth = scaled(s.happy, s.monitored, 1, n);
    const monitorOnly: Cost = {
      ...monitorMonth,
      cpuMs: {
        api: monitorMonth.cpuMs.api - happy.cpuMs.api,
        worker: monitorMonth.cpuMs.worker - happy.cpuMs.worker,
        temporal: monitorMonth.cpuMs.temporal - happy.cpuMs.temporal,
        postgres: monitorMonth.cpuMs.postgres - happy.cpuMs.postgres,
      },
      actions: monitorMonth.actions - happy.actions,
      events: monitorMonth.events - happy.events,
      historyBytes: monitorMonth.historyBytes - happy.historyBytes,
      rowsWritten: monitorMonth.rowsWritten - happy.rowsWritten,
      bytesStored: monitorMonth.bytesStored - happy.bytesStored,
      smileCalls: monitorMonth.smileCalls - happy.smileCalls,
    };
    return {
      id: 'cost',
      title: 'What one verification costs',
      method: `${n} verifications of each kind on the bench stack, each kind measured alone: CPU of the API process (which also runs the sandbox and this load), the worker process, the Temporal dev server and every Postgres process, less what the idle stack uses over the same time (measured for 10 s first); Temporal actions (as Temporal Cloud bills them, counted from the histories), history events and bytes of the user's workflows; Postgres rows inserted, updated and deleted (pg_stat_database) and database growth; requests the Smile sandbox received. Abandoned: ${n} runs with \`connectionCheckInterval: 5s\` to a 35 s and to a 75 s \`connectTimeout\` (${shortChecks} and ${shortChecks + 1} checks); under the default policy (15 min, 72 h: ${defaultChecks} checks) it costs the 35 s run plus ${extra} times their difference.`,
      columns: [
        'one verification',
        'CPU ms API',
        'worker',
        'Temporal',
        'Postgres',
        'CPU ms total',
        'Temporal actions',
        'history events',
        'history KiB',
        'Postgres rows written',
        'Postgres KiB stored',
        'Smile calls',
      ],
      rows: [
        row('happy path (George, APPROVED)', happy),
        row(`abandoned, 35 s (${shortChecks} checks)`, perOne(s.abandonedShort, n)),
        row(`abandoned, 75 s (${shortChecks + 1} checks)`, perOne(s.abandonedLong, n)),
        row(
          `abandoned, default policy (${defaultChecks} checks, scaled)`,
          scaled(s.abandonedShort, s.abandonedLong, extra, n),
        ),
        row('review (Ryan, REVIEW → reviewer APPROVED)', perOne(s.review, n)),
        row('happy path + a month of monitoring', monitorMonth),
        row('a month of monitoring alone (start, one monthly sync, end)', monitorOnly),
      ],
      targets: [],
      data: { happy, abandoned, review, monitoringMonth: monitorOnly } satisfies CostFigures,
      notes: [
        "CPU figures are small and noisy (two shared cores); the abandoned default row multiplies one check's difference by " +
          `${extra}, so its CPU is the least certain figure, its Smile calls (one per check plus the start) the most.`,
        "A month of monitoring assumes one continuous-sync event per account a month (the sandbox models a provider's monthly refresh); the monitor then waits on a timer at no cost.",
      ],
    };
  } finally {
    await stack.close();
  }
}
