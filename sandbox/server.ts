import { loadConfigOrExit } from '../config/index.js';
import { loggerOptions } from '../runtime/logger.js';
import { buildSandbox } from './app.js';

const config = loadConfigOrExit();
const sandbox = await buildSandbox({
  apiKey: config.smile.apiKey,
  apiSecret: config.smile.apiSecret,
  logger: loggerOptions(config, 'sandbox'),
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void sandbox.close().then(() => process.exit(0)));
}
await sandbox.listen({ port: config.sandbox.port, host: config.sandbox.host });
sandbox.log.info(`Smile sandbox on http://${config.sandbox.host}:${config.sandbox.port} (key ${config.smile.apiKey})`);
