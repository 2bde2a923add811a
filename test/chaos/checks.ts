import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { expect } from 'vitest';
import type { Sql } from '../../db/client.js';
import type { buildSandbox } from '../../sandbox/app.js';
import { persist } from './processes.js';

type Sandbox = Awaited<ReturnType<typeof buildSandbox>>;

/** Terminates every connection to the product's database (the Temporal server's are left alone). */
export async function terminateConnections(databaseUrl: string): Promise<number> {
  const admin = postgres(new URL('/postgres', databaseUrl).toString(), { max: 1, onnotice: () => {} });
  const killed = await admin<{ pid: number }[]>`
    select pg_terminate_backend(pid) as pid from pg_stat_activity
    where datname = ${new URL(databaseUrl).pathname.slice(1)} and pid <> pg_backend_pid()`;
  await admin.end();
  return killed.length;
}

async function decidedCount(sql: Sql): Promise<number> {
  const [row] = await persist(
    () => sql<{ count: number }[]>`
    select count(*)::int as count from verifications where verification_id like 'verification-chaos-%' and status = 'COMPLETED'`,
  );
  return row!.count;
}

/** Waits until `n` verifications are decided or `timeoutMs` passed; returns how many are. */
export async function waitForDecisions(sql: Sql, n: number, timeoutMs = 6 * 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let decided = 0;
  while ((decided = await decidedCount(sql)) < n && Date.now() < deadline) await sleep(1_000);
  return decided;
}

/**
 * What the chaos must not break: every verification decided, once, and approved (George, name
 * matching); no datapoint stored twice; every webhook the API acknowledged in the inbox, once, and
 * nothing there Smile did not send. Returns a line about the webhooks for the log.
 */
export async function expectDecidedOnceAndNothingLost(sql: Sql, sandbox: Sandbox, ids: string[], n: number) {
  expect(new Set(ids).size).toBe(n);
  const runs = await sql<{ verificationId: string; status: string; outcome: string | null; decisions: number }[]>`
    select v.verification_id as "verificationId", v.status, v.status_document->'decision'->>'outcome' as outcome,
           (select count(*)::int from decisions d where d.run_id = v.run_id) as decisions
    from verifications v where v.verification_id like 'verification-chaos-%'`;
  expect(runs).toHaveLength(n);
  expect(runs.filter((r) => r.status !== 'COMPLETED' || r.outcome !== 'APPROVED' || r.decisions !== 1)).toEqual([]);

  // Every George holds the same set of rows.
  const perUser = await sql<{ rows: number }[]>`select count(*)::int as rows from datapoints group by smile_user_id`;
  expect(perUser).toHaveLength(n);
  expect(new Set(perUser.map((r) => r.rows)).size).toBe(1);

  const attempts = sandbox.sandboxState.deliveries;
  const acknowledged = new Set(attempts.filter((a) => a.delivered).map((a) => a.eventId));
  const sent = new Set(attempts.map((a) => a.eventId));
  const inbox = await sql<{ id: string }[]>`select id from inbox_events where source = 'smile'`;
  const inboxIds = new Set(inbox.map((r) => r.id));
  expect(inbox.length).toBe(inboxIds.size);
  expect([...acknowledged].filter((id) => !inboxIds.has(id))).toEqual([]);
  expect([...inboxIds].filter((id) => !sent.has(id))).toEqual([]);
  const lost = sent.size - acknowledged.size;
  // The outage really cost webhooks, and the verifications were decided anyway.
  expect(lost).toBeGreaterThan(0);
  return `webhooks: ${sent.size} sent, ${acknowledged.size} acknowledged = in the inbox (${inboxIds.size} rows); ${lost} never acknowledged (the API was down past Smile's retries)`;
}
