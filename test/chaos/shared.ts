import { setTimeout as sleep } from 'node:timers/promises';
import { LOCAL_DATABASE_URL, type Sql } from '../../db/client.js';
import { terminateConnections, waitForDecisions } from './checks.js';
import { runJourneys } from './front-end.js';

/** How many verifications a chaos run makes. */
export const N = Number(process.env.CHAOS_VERIFICATIONS ?? 200);
export const API_KEY = 'chaos-api-key-0123';
/** The Postgres server the product's database (and the cluster's Temporal databases) go on. */
export const POSTGRES_URL = process.env.DATABASE_URL ?? LOCAL_DATABASE_URL;

/** A log line with the run's name and the time of day. */
export function chaosLog(name: string): (line: string) => void {
  return (line) => console.log(`[${name} ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** A fresh database for the product on the chaos Postgres server (the caller creates and drops it). */
export function chaosDatabaseUrl(suffix: string): string {
  return Object.assign(new URL(POSTGRES_URL), { pathname: `/smile_verify_chaos_${suffix}` }).toString();
}

/** The settings every chaos stack gives its APIs and workers: quiet logs, no rate limit in the way, the sandbox as Smile. */
export function chaosAppEnv(sandboxUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    API_KEYS: API_KEY,
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    TEMPORAL_TASK_QUEUE: 'chaos',
    SMILE_API_URL: `${sandboxUrl}/v1`,
    SMILE_ID_URL: `${sandboxUrl}/smile-id/v1`,
    SMILE_RATE_LIMIT_PER_SECOND: '500',
    WORKER_SHUTDOWN_GRACE_SECONDS: '1',
  };
}

interface Killable {
  kill(): Promise<void>;
  start(): Promise<void>;
}

export interface ChaosRun {
  sql: Sql;
  databaseUrl: string;
  journey: (i: number) => Promise<string>;
  /** Restarts a worker hard; called every 4 s for the whole run with a count (for taking workers in turn). */
  restartWorker: (i: number) => Promise<void>;
  /** The stack's own faults, between the first Postgres termination and the webhook API's outage. */
  faults: () => Promise<void>;
  /** The API the sandbox's webhooks go to, and its name for the log. */
  webhookApi: { name: string; process: Killable };
  log: (line: string) => void;
}

/**
 * Runs N journeys while everything underneath fails: a worker dies every 4 s; Postgres
 * connections are terminated 8 s in, then the stack's own faults, then the webhook API is down
 * for 3 s (longer than Smile's 0.6 s of retries, so webhooks are lost for good), then Postgres
 * connections are terminated again. Waits for the decisions; returns the journeys' ids and how
 * many verifications were decided.
 */
export async function runUnderChaos(run: ChaosRun): Promise<{ ids: string[]; decided: number }> {
  const { log, webhookApi } = run;
  const terminate = async () => log(`terminated ${await terminateConnections(run.databaseUrl)} Postgres connections`);
  let done = false;

  const killer = (async () => {
    for (let i = 0; !done; i++) {
      await sleep(4_000);
      if (done) break;
      await run.restartWorker(i).catch((error: Error) => log(`worker restart failed: ${error.message}`));
    }
  })();

  const schedule = (async () => {
    await sleep(8_000);
    await terminate();
    await run.faults();
    log(`SIGKILL ${webhookApi.name} (the webhook target) for 3 s (Smile retries for 0.6 s)`);
    await webhookApi.process.kill();
    await sleep(3_000);
    await webhookApi.process.start();
    log(`${webhookApi.name} back`);
    await sleep(6_000);
    await terminate();
  })();

  const ids = await runJourneys(run.journey, N);
  log(`all ${N} journeys done; waiting for the decisions`);
  await schedule;
  const decided = await waitForDecisions(run.sql, N);
  done = true;
  await killer;
  return { ids, decided };
}
