import type { Server } from 'node:http';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/index.js';
import { openDatabase } from '../runtime/database.js';
import { createLogger } from '../runtime/logger.js';
import { connectionOptionsOf } from '../runtime/temporal.js';
import { createWorker } from './create.js';
import { ensureRetentionSchedule } from './schedule.js';
import { createWorkerMetrics, loopbackPort, serveWorkerMetrics } from './metrics.js';
import { createWorkerSmileClient } from './smile.js';
import { smileTaskQueue, smileUserTaskQueue } from '../workflows/task-queues.js';

const config = loadConfigOrExit();
const log = createLogger(config, 'worker');
const { metrics, shutdownGraceSeconds, workflowBundlePath } = config.worker;

// The worker's Prometheus endpoint: its Smile requests and limiter waits, then Temporal's runtime metrics
// (task latencies, slots, sticky cache, polls), which the runtime exports on a loopback port of its own.
const workerMetrics = createWorkerMetrics(config.smile.requestsPerSecond);
let metricsServer: { server: Server; url: string } | undefined;
if (metrics) {
  const runtimePort = await loopbackPort();
  Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${runtimePort}` } } } });
  metricsServer = await serveWorkerMetrics(workerMetrics, {
    ...metrics,
    runtimeUrl: `http://127.0.0.1:${runtimePort}/metrics`,
  }).catch((error: Error) => {
    log.fatal({ err: error }, `could not serve metrics on ${metrics.host}:${metrics.port}`);
    process.exit(1);
  });
}

const sql = await openDatabase(config, log, 'smile-verify-worker').catch((error: Error) => {
  log.fatal({ err: error }, 'could not open the database');
  process.exit(1);
});
const connection = await connectToTemporal();
const smile = createWorkerSmileClient(config, sql, workerMetrics);
const worker = await createWorker({
  config,
  sql,
  smile,
  connection,
  workflowBundlePath,
  shutdownGraceTime: `${shutdownGraceSeconds}s`,
});

// A Schedule that cannot be set up now is retried at the next start; verifications do not wait for it.
await ensureRetentionSchedule(worker.client, {
  taskQueue: config.temporal.taskQueue,
  retentionDays: config.retention.days,
}).then(
  (done) => log.info(`retention Schedule "data-retention" ${done} (DATA_RETENTION_DAYS=${config.retention.days})`),
  (error: Error) => log.error({ err: error }, 'could not set up the retention Schedule "data-retention"'),
);
log.info(
  workflowBundlePath
    ? `workflows from the prebuilt bundle ${workflowBundlePath}`
    : 'workflows bundled from source (run `npm run build:workflows` for production)',
);
if (metricsServer) log.info(`worker metrics on ${metricsServer.url}`);
log.info(
  `worker polling task queues "${config.temporal.taskQueue}", "${smileTaskQueue(config.temporal.taskQueue)}" and "${smileUserTaskQueue(config.temporal.taskQueue)}" on ${config.temporal.address}`,
);
// worker.run() resolves after SIGINT/SIGTERM once in-flight tasks drain: polling stops at
// once, running activities get shutdownGraceTime to finish, then they are cancelled.
await worker.run();
await connection.close();
metricsServer?.server.close();
await sql.end({ timeout: 5 });
log.info('worker stopped');

/** Temporal may still be starting (or restarting): retry for a minute before giving up. */
async function connectToTemporal(): Promise<NativeConnection> {
  const giveUpAt = Date.now() + 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect(connectionOptionsOf(config));
    } catch (error) {
      if (Date.now() > giveUpAt) {
        log.fatal({ err: error }, `Temporal at ${config.temporal.address} did not answer for a minute`);
        process.exit(1);
      }
      if (attempt === 1) log.warn(`waiting for Temporal at ${config.temporal.address}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
    }
  }
}
