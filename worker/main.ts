import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/index.js';
import { createSmileClient } from '../activities/smile/index.js';
import { openDatabase } from '../runtime/database.js';
import { createLogger } from '../runtime/logger.js';
import { connectionOptionsOf } from '../runtime/temporal.js';
import { createWorker } from './create.js';

const config = loadConfigOrExit();
const log = createLogger(config, 'worker');
const { metrics, shutdownGraceSeconds, workflowBundlePath } = config.worker;

// Temporal's runtime metrics (task latencies, slots, sticky cache, polls) on a Prometheus endpoint.
if (metrics) Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: `${metrics.host}:${metrics.port}` } } } });

const sql = await openDatabase(config, log, 'smile-verify-worker').catch((error: Error) => {
  log.fatal({ err: error }, 'could not open the database');
  process.exit(1);
});
const connection = await NativeConnection.connect(connectionOptionsOf(config));
const { apiUrl, apiKey, apiSecret, requestsPerSecond } = config.smile;
const smile = createSmileClient({ baseUrl: apiUrl, apiKey, apiSecret, requestsPerSecond });
const worker = await createWorker({
  config,
  sql,
  smile,
  connection,
  workflowBundle: workflowBundlePath ? { codePath: workflowBundlePath } : undefined,
  shutdownGraceTime: `${shutdownGraceSeconds}s`,
});

log.info(workflowBundlePath ? `workflows from the prebuilt bundle ${workflowBundlePath}` : 'workflows bundled from source (run `npm run build:workflows` for production)');
if (metrics) log.info(`worker metrics on http://${metrics.host}:${metrics.port}/metrics`);
log.info(`worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
// worker.run() resolves after SIGINT/SIGTERM once in-flight tasks drain: polling stops at
// once, running activities get shutdownGraceTime to finish, then they are cancelled.
await worker.run();
await connection.close();
await sql.end({ timeout: 5 });
log.info('worker stopped');
