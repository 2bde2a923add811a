import { NativeConnection } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/index.js';
import { createSmileClient } from '../activities/smile/index.js';
import { openDatabase } from '../runtime/database.js';
import { createLogger } from '../runtime/logger.js';
import { createWorker } from './create.js';

const config = loadConfigOrExit();
const log = createLogger(config, 'worker');
const sql = await openDatabase(config, log, 'smile-verify-worker').catch((error: Error) => {
  log.fatal({ err: error }, 'could not open the database');
  process.exit(1);
});
const connection = await NativeConnection.connect({ address: config.temporal.address });
const smile = createSmileClient({ baseUrl: config.smile.apiUrl, apiKey: config.smile.apiKey, apiSecret: config.smile.apiSecret });
const worker = await createWorker({ config, sql, smile, connection });

log.info(`worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
// worker.run() resolves after SIGINT/SIGTERM once in-flight tasks drain (the SDK installs the handlers).
await worker.run();
await connection.close();
await sql.end({ timeout: 5 });
log.info('worker stopped');
