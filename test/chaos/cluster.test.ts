import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSql, dropDatabase, ensureDatabase, type Sql } from '../../db/client.js';
import { startCluster, type Cluster } from '../../scripts/cluster/stack.js';
import { freePorts, type ClusterPorts } from '../../scripts/cluster/topology.js';
import { expectDecidedOnceAndNothingLost } from './checks.js';
import { historyShards, signedWebhook } from './cluster-probes.js';
import { frontEnd } from './front-end.js';
import { startChaosSandbox } from './sandbox.js';
import { API_KEY, chaosAppEnv, chaosDatabaseUrl, chaosLog, N, POSTGRES_URL, runUnderChaos } from './shared.js';

/**
 * `npm run test:chaos -- --cluster` (SPEC §11): the chaos run on the production shape of
 * `npm run cluster` (scripts/cluster/), on fresh databases and free ports: the Temporal server as
 * five processes on Postgres, two APIs (the sandbox's webhooks go to the first), two workers. On
 * top of the dev-server run's faults, a history process is SIGKILLed and restarted, the first API
 * is SIGKILLed for longer than Smile's retries, and the workers die in turn.
 */
const SHARDS = 16;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const log = chaosLog('chaos cluster');
const suffix = randomBytes(4).toString('hex');
const databaseUrl = chaosDatabaseUrl(suffix);
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
  cluster = await startCluster({
    root: ROOT,
    ports,
    databaseUrl,
    temporalPostgresUrl: POSTGRES_URL,
    temporalDatabases,
    numHistoryShards: SHARDS,
    namespace: 'default',
    dir,
    appEnv: { ...chaosAppEnv(chaosSandbox.url), DATABASE_POOL_SIZE: '4' },
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
  const temporalUrls = Object.values(temporalDatabases).map((db) => new URL(`/${db}`, POSTGRES_URL).toString());
  for (const name of [databaseUrl, ...temporalUrls])
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
    const history2 = cluster.history[1]!;
    const { journey } = frontEnd({
      apiUrls: ports.apis.map((port) => `http://127.0.0.1:${port}`),
      sandboxUrl: chaosSandbox.url,
      apiKey: API_KEY,
    });
    const { ids, decided } = await runUnderChaos({
      sql,
      databaseUrl,
      journey,
      // The two workers die in turn.
      restartWorker: (i) => cluster.workers[i % 2]!.restart(),
      faults: async () => {
        await sleep(6_000);
        log('SIGKILL history-2: its shards move to history-1 once membership notices');
        await history2.kill();
        await sleep(8_000);
        await history2.start();
        log('history-2 back: the shards rebalance');
        await sleep(6_000);
      },
      webhookApi: { name: 'api-1', process: cluster.apis[0] },
      log,
    });
    const restarts = cluster.workers.map((w) => w.restarts).join(' and ');
    log(`${decided} of ${N} decided; the workers were restarted ${restarts} times`);
    const crashes = cluster.all().flatMap((p) => p.crashes);
    for (const crash of crashes) log(crash);

    // Nothing but the kills above stops a process: every other exit is a finding.
    expect(crashes).toEqual([]);
    expect(cluster.history.every((p) => p.running)).toBe(true);
    log(await expectDecidedOnceAndNothingLost(sql, chaosSandbox.sandbox, ids, N));
  });
});
