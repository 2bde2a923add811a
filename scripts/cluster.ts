import { fileURLToPath } from 'node:url';
import { DEV_API_KEY, loadConfig } from '../config/index.js';
import { ensureDatabase, LOCAL_DATABASE_URL } from '../db/client.js';
import { formatLine } from './children.js';
import { secretsOf } from './cluster/apps.js';
import { startCluster, type Cluster } from './cluster/stack.js';
import { DEFAULT_PORTS } from './cluster/topology.js';

/**
 * `npm run cluster`: the production shape on this machine, without Docker. The
 * Temporal server's databases and the product's stay on Postgres and the logs under
 * .dev/cluster/, so a second start picks up where the first stopped.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = `${ROOT}.dev/cluster`;
const say = (line: string) => console.log(`\x1b[35m[cluster]\x1b[0m ${line}`);
// Every process runs in development (the entrypoints default to production), with the secrets passed by name.
const config = loadConfig({ ...process.env, NODE_ENV: 'development' });
const databaseUrl = process.env.DATABASE_URL ?? LOCAL_DATABASE_URL.replace(/\/smile_verify$/, '/smile_verify_cluster');
const shards = Number(process.env.NUM_HISTORY_SHARDS ?? 16);
if (!Number.isInteger(shards) || shards < 1) {
  console.error(`Invalid configuration:\n  NUM_HISTORY_SHARDS: must be a whole number of at least 1`);
  process.exit(1);
}
const ports = DEFAULT_PORTS;

let cluster: Cluster | undefined;
let stopping = false;
let stopRequestedAt = 0;
async function stopAll(code: number): Promise<never> {
  if (stopping) {
    // tsx relays the terminal's Ctrl-C, which this process also receives itself: only a later
    // one is a second Ctrl-C, and then nothing is left behind, however impatient.
    if (Date.now() - stopRequestedAt < 2_000) return new Promise<never>(() => {});
    for (const process of cluster?.all() ?? []) await process.kill();
    process.exit(code);
  }
  stopping = true;
  stopRequestedAt = Date.now();
  say('stopping: APIs and workers, the sandbox, the Web UI, then the Temporal services…');
  await cluster?.stop();
  say('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function banner(cluster: Cluster): string {
  const [api1, api2] = ports.apis.map((port) => `http://127.0.0.1:${port}`);
  const key = config.api.keys[0]!.secret;
  const temporal = ports.temporal.map(
    (p) =>
      `    ${p.name.padEnd(10)} gRPC ${p.grpcPort}${p.httpPort ? `, HTTP ${p.httpPort}` : ''}, membership ${p.membershipPort}, pprof ${p.pprofPort}, metrics http://127.0.0.1:${p.metricsPort}/metrics`,
  );
  return `
  smile-verify is running on a Temporal cluster (${shards} history shards)

  API           ${api1}  and ${api2}  (OpenAPI: ${api1}/docs; the sandbox's webhooks go to the first)
  Demo          ${api1}/demo (log in as gpalomero1234@smileapi.io / 123456, code 1234)
  Temporal UI   http://127.0.0.1:${ports.ui}  (payloads decoded by ${api1}/codec; read-only)
  Temporal      ${cluster.address} (namespace ${config.temporal.namespace})
${temporal.join('\n')}
  Workers       metrics http://127.0.0.1:${ports.workerMetrics[0]}/metrics and http://127.0.0.1:${ports.workerMetrics[1]}/metrics
  Smile sandbox http://127.0.0.1:${ports.sandbox}
  Postgres      ${new URL(databaseUrl).host}: ${new URL(databaseUrl).pathname.slice(1)}, temporal, temporal_visibility
  API key       ${key}${key === DEV_API_KEY ? '   (dev key)' : ''}
  Logs          .dev/cluster/logs/

  Try it:
    curl -X POST ${api1}/v1/verifications -H 'authorization: Bearer ${key}' \\
         -H 'content-type: application/json' -d '{"externalUserId":"u1"}'

  Ctrl-C stops everything; the databases stay, and the next start resumes the running verifications.
`;
}

try {
  await ensureDatabase(databaseUrl);
  cluster = await startCluster({
    root: ROOT,
    ports,
    databaseUrl,
    temporalPostgresUrl: databaseUrl,
    temporalDatabases: { persistence: 'temporal', visibility: 'temporal_visibility' },
    numHistoryShards: shards,
    namespace: config.temporal.namespace,
    dir: DIR,
    appEnv: {
      NODE_ENV: 'development',
      LOG_LEVEL: config.logLevel,
      // Four processes on one local Postgres beside Temporal's five (scripts/cluster/temporal.ts).
      DATABASE_POOL_SIZE: '5',
      TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
      ...secretsOf(config),
    },
    sandbox: true,
    log: say,
    onLine: (name, line) => console.log(formatLine(name, line)),
  });
  for (const process of cluster.all()) {
    process.onCrash = (report) => {
      if (stopping) return;
      say(`${report.split('\n').slice(0, 20).join('\n')}\nstopping everything`);
      void stopAll(1);
    };
  }
  console.log(banner(cluster));
} catch (error) {
  say(`could not start: ${(error as Error).message}`);
  await stopAll(1);
}
