import { loadConfigOrExit } from '../config/index.js';
import { loggerOptions } from '../runtime/logger.js';
import { buildSandbox } from './app.js';
import { isoSeconds } from './state.js';

// The emulator is a development tool: development unless NODE_ENV says otherwise.
const config = loadConfigOrExit({ NODE_ENV: 'development' });
const sandbox = await buildSandbox({
  apiKey: config.smile.apiKey,
  apiSecret: config.smile.apiSecret,
  webhookSecret: config.smile.webhookSecret,
  smileIdPartnerId: config.smileId.partnerId,
  smileIdApiKey: config.smileId.apiKey,
  logger: loggerOptions(config, 'sandbox'),
});

// In dev, Smile's webhooks go to the local API, with their payload.
if (config.env === 'development') {
  const now = isoSeconds(new Date());
  const id = 'dev-api-webhook';
  sandbox.sandboxState.webhooks.set(id, {
    id,
    createdAt: now,
    updatedAt: now,
    name: 'smile-verify API (dev)',
    url: `http://${config.api.host}:${config.api.port}/webhooks/smile`,
    secret: config.smile.webhookSecret,
    eventTypes: ['ALL_EVENTS'],
    active: true,
    includePayload: true,
  });
  sandbox.log.info({ url: sandbox.sandboxState.webhooks.get(id)!.url }, 'registered the dev webhook (with payload)');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void sandbox.close().then(() => process.exit(0)));
}
await sandbox.listen({ port: config.sandbox.port, host: config.sandbox.host });
sandbox.log.info(`Smile sandbox on http://${config.sandbox.host}:${config.sandbox.port} (key ${config.smile.apiKey})`);
