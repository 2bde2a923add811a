import closeWithGrace from 'close-with-grace';
import { loadConfigOrExit } from '../config/index.js';
import { openDatabase } from '../runtime/database.js';
import { createLogger, loggerOptions } from '../runtime/logger.js';
import { createTemporalClient } from '../runtime/temporal.js';
import { buildApp } from './app.js';
import { startRelay } from './webhooks/relay.js';

const config = loadConfigOrExit();
const log = createLogger(config, 'api');

const sql = await openDatabase(config, log, 'smile-verify-api').catch((error: Error) => {
  log.fatal({ err: error }, 'could not open the database');
  process.exit(1);
});
const temporal = createTemporalClient(config);
// Delivers inbox events that could not be signalled at once (Temporal down, user not started yet).
const relay = startRelay({ sql, client: temporal.client, log });
const app = await buildApp({ config, sql, temporal, logger: loggerOptions(config, 'api'), relay });

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) log.error({ err }, 'closing after an error');
  else log.info({ signal }, 'shutting down');
  await relay.stop();
  await app.close();
  await temporal.connection.close();
  await sql.end({ timeout: 5 });
});

await app.listen({ port: config.api.port, host: config.api.host });
log.info(`API listening on http://${config.api.host}:${config.api.port} (docs at /docs)`);
