import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSql, dropDatabase, ensureDatabase, LOCAL_DATABASE_URL, type Sql } from '../../db/client.js';
import { startCluster, type Cluster } from '../../scripts/cluster/stack.js';
import { freePorts, type ClusterPorts } from '../../scripts/cluster/topology.js';
import { expectDecidedOnceAndNothingLost, terminateConnections, waitForDecisions } from './checks.js';
import { historyShards, signedWebhook } from './cluster-probes.js';
import { frontEnd, runJourneys } from './front-end.js';
import { startChaosSandbox } from './sandbox.js';

/**
 * `npm run test:chaos -- --cluster` (SPEC §11): the chaos run on the production shape of
 * `npm run cluster` (scripts/cluster/), on fresh databases and free ports: the Temporal server as
 * five processes on Postgres, two APIs (the sandbox's webhooks go to the first), two workers. On
 * top of the dev-server run's faults, a history process is SIGKILLed and restarted, the first API
 * is SIGKILLed for longer than Smile's retries, and the workers die in turn.
 */
const N = Number(process.env.CHAOS_VERIFICATIONS ?? 200);
const SHARDS = 16;
const API_KEY = 'chaos-api-key-0123';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const log = (line: string) => console.log(`[chaos cluster ${new Date().toISOString().slice(11, 19)}] ${line}`);
const suffix = randomBytes(4).toString('hex');
const base = process.env.DATABASE_URL ?? LOCAL_DATABASE_URL;
const databaseUrl = Object.assign(new URL(base), { pathname: `/smile_verify_chaos_${suffix}` }).toString();
const temporalDatabases = {
  persistence: `temporal_chaos_${suffix}`,
  visibility: `temporal_visibility_chaos_${suffix}`,
};

let cluster: Cluster;
let ports: ClusterPorts;
let chaosSandbox: Awaited<ReturnType<typeof startChaosSandbox>>;
let sql: Sql;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smile-verify-chaos-cluster-'));
  ports = await freePorts();
  await ensureDatabase(databaseUrl);
  chaosSandbox = await startChaosSandbox(ports.sandbox);
  const sandboxUrl = chaosSandbox.url;
  cluster = await startCluster({
    root: ROOT,
    ports,
    databaseUrl,
    temporalPostgresUrl: base,
    temporalDatabases,
    numHistoryShards: SHARDS,
    namespace: 'default',
    dir,
    appEnv: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      API_KEYS: API_KEY,
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      DATABASE_POOL_SIZE: '4',
      TEMPORAL_TASK_QUEUE: 'chaos',
      SMILE_API_URL: `${sandboxUrl}/v1`,
      SMILE_ID_URL: `${sandboxUrl}/smile-id/v1`,
      SMILE_RATE_LIMIT_PER_SECOND: '500',
      WORKER_SHUTDOWN_GRACE_SECONDS: '1',
    },
    sandbox: false,
    log,
  });
  await chaosSandbox.sendWebhooksTo(`http://127.0.0.1:${ports.apis[0]}/webhooks/smile`);
  sql = createSql(databaseUrl, { max: 4 });
}, 10 * 60_000);

afterAll(async () => {
  await cluster?.stop();
  await chaosSandbox?.sandbox.close();
  await sql?.end({ timeout: 1 });
  for (const name of [databaseUrl, ...Object.values(temporalDatabases).map((db) => new URL(`/${db}`, base).toString())])
    await dropDatabase(name).catch((error: Error) => log(`could not drop ${name}: ${error.message}`));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the cluster (npm run cluster)', () => {
  it('runs history as two processes that share the shards, and both APIs accept webhooks', async () => {
    const [first, second] = cluster.history;
    expect(first!.pid).not.toBe(second!.pid);
    // Shards are acquired after the processes start: wait (up to a minute) until every one has an owner.
    const total = (o: { shards: number }[]) => o.reduce((sum, { shards }) => sum + shards, 0);
    let owned = await historyShards(ports);
    for (let i = 0; i < 60 && total(owned) < SHARDS; i++, await sleep(1_000)) owned = await historyShards(ports);
    expect(total(owned)).toBe(SHARDS);
    for (const { name, shards } of owned) expect(shards, `${name} owns shards`).toBeGreaterThan(0);

    const probes: string[] = [];
    for (const port of ports.apis) {
      const { status, eventId } = await signedWebhook(`http://127.0.0.1:${port}`);
      probes.push(eventId);
      expect(status, `the API on ${port} acknowledges`).toBe(200);
      const rows = await sql<{ id: string }[]>`select id from inbox_events where id = ${eventId}`;
      expect(rows, `the API on ${port} stored the event`).toHaveLength(1);
    }
    // The chaos run below accounts for every inbox row as one the sandbox sent.
    await sql`delete from inbox_events where id = any(${probes})`;
  });

  it(`decides all ${N} verifications while a history process, an API, the workers and Postgres fail underneath`, async () => {
    let done = false;
    const note = (line: string) => log(line);
    const [api1] = cluster.apis;
    const history2 = cluster.history[1]!;
    const { journey } = frontEnd({
      apiUrls: ports.apis.map((port) => `http://127.0.0.1:${port}`),
      sandboxUrl: chaosSandbox.url,
      apiKey: API_KEY,
    });

    // A worker dies hard every 4 s for the whole run, the two in turn.
    const killer = (async () => {
      for (let i = 0; !done; i++) {
        await sleep(4_000);
        if (done) break;
        await cluster.workers[i % 2]!.restart().catch((error: Error) => note(`worker restart: ${error.message}`));
      }
    })();

    const schedule = (async () => {
      await sleep(8_000);
      note(`terminated ${await terminateConnections(databaseUrl)} Postgres connections`);
      await sleep(6_000);
      note('SIGKILL history-2: its shards move to history-1 once membership notices');
      await history2.kill();
      await sleep(8_000);
      await history2.start();
      note('history-2 back: the shards rebalance');
      await sleep(6_000);
      note('SIGKILL api-1 (the webhook target) for 3 s (Smile retries for 0.6 s)');
      await api1.kill();
      await sleep(3_000);
      await api1.start();
      note('api-1 back');
      await sleep(6_000);
      note(`terminated ${await terminateConnections(databaseUrl)} Postgres connections`);
    })();

    const ids = await runJourneys(journey, N);
    note(`all ${N} journeys done; waiting for the decisions`);
    await schedule;
    const decided = await waitForDecisions(sql, N);
    done = true;
    await killer;
    const restarts = cluster.workers.map((w) => w.restarts).join(' and ');
    note(`${decided} of ${N} decided; the workers were restarted ${restarts} times`);
    const crashes = cluster.all().flatMap((p) => p.crashes);
    for (const crash of crashes) note(crash);

    // Nothing but the kills above stops a process: every other exit is a finding.
    expect(crashes).toEqual([]);
    expect(cluster.history.every((p) => p.running)).toBe(true);
    note(await expectDecidedOnceAndNothingLost(sql, chaosSandbox.sandbox, ids, N));
  });
});
