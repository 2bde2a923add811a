import { startTracing } from '../runtime/tracing.js';
import type { Client, Connection } from '@temporalio/client';
import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config/index.js';
import type { Sql } from '../db/client.js';
import { dataConverterOf } from '../runtime/temporal.js';
import accessLog from './plugins/access-log.js';
import auth from './plugins/auth.js';
import { widgetTokenKey } from './services/widget-token.js';
import hardening from './plugins/hardening.js';
import metrics from './plugins/metrics.js';
import errors from './plugins/errors.js';
import openapi from './plugins/openapi.js';
import healthRoutes from './routes/health.js';
import codecRoutes from './routes/codec.js';
import demoRoutes from './routes/demo.js';
import type { Relay } from './webhooks/relay.js';
import erasureRoutes from './routes/erasure.js';
import monitorRoutes from './routes/monitor.js';
import reportRoutes from './routes/report.js';
import searchRoutes from './routes/search.js';
import verificationActionRoutes from './routes/verification-actions.js';
import verificationRoutes from './routes/verifications.js';
import webhookRoutes from './webhooks/routes.js';
import widgetEventRoutes from './routes/widget-events.js';

export interface AppDeps {
  config: Config;
  sql: Sql;
  temporal: { client: Client; connection: Connection };
  logger?: FastifyServerOptions['logger'];
  /** The inbox relay running beside the API, for /readyz. */
  relay?: Pick<Relay, 'health'>;
}

/**
 * The HTTP server's timeouts, all here: a client gets 10 s to send its headers and
 * 30 s for the whole request (a 10 MB webhook included); a socket silent for 30 s
 * is closed, never sooner, because a start may wait that long for its workflow
 * and must get its answer (a shorter socket timeout cut such requests without
 * one); an idle keep-alive connection closes after 72 s, longer than the 60 s of
 * common load balancers, so the balancer, not this server, closes it first.
 */
export const SERVER_TIMEOUTS = {
  connectionTimeout: 30_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 72_000,
} as const;
export const HEADERS_TIMEOUT_MS = 10_000;

/**
 * Builds the API. Order matters: external plugins, then ours, then routes. Each
 * route plugin names the plugins it uses (`dependencies`), so a missing one fails at boot.
 */
export async function buildApp({ config, sql, temporal, logger = false, relay }: AppDeps) {
  const app = Fastify({
    logger,
    // Fastify's two lines per request are off; plugins/access-log.ts writes one.
    logController: new LogController({ disableRequestLogging: true }),
    ...SERVER_TIMEOUTS,
    genReqId: (request) =>
      (request.headers['x-request-id'] as string | undefined)?.slice(0, 100) ?? crypto.randomUUID(),
    requestIdHeader: false,
    // request.ip is the client's address behind the configured proxies, and the proxy's otherwise.
    ...(config.api.trustedProxies ? { trustProxy: config.api.trustedProxies } : {}),
  }).withTypeProvider<ZodTypeProvider>();
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed when the app closes.
  const tracing = startTracing(config, 'smile-verify-api');
  app.addHook('onClose', () => tracing.shutdown());
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(hardening, { api: config.api });
  await app.register(openapi);
  await app.register(errors);
  await app.register(accessLog);
  await app.register(metrics, { sql });
  await app.register(auth, {
    keys: config.api.keys,
    widgetTokenKey: widgetTokenKey(config.payloadEncryptionKey.key),
  });

  await app.register(healthRoutes, {
    sql,
    connection: temporal.connection,
    namespace: config.temporal.namespace,
    relay,
  });
  await app.register(
    async (v1) => {
      // Who calls, then the limit for that caller, then whether the route's scope allows them.
      v1.addHook('onRequest', v1.identify);
      v1.addHook('onRequest', v1.rateLimit());
      v1.addHook('onRequest', v1.authorize);
      await v1.register(verificationRoutes, {
        sql,
        client: temporal.client,
        taskQueue: config.temporal.taskQueue,
        kycConfigured: config.smileId.enabled,
        allowPrivateCallbacks: config.resultCallback.allowPrivateNetworks,
        inviteConfigured: config.smile.inviteTemplateId !== undefined,
        defaultCallbackUrl: config.resultCallback.url,
      });
      await v1.register(verificationActionRoutes, { sql, client: temporal.client });
      await v1.register(widgetEventRoutes, { sql, client: temporal.client });
      await v1.register(erasureRoutes, { sql, client: temporal.client, taskQueue: config.temporal.taskQueue });
      await v1.register(monitorRoutes, { sql, client: temporal.client });
      await v1.register(reportRoutes, { sql });
      await v1.register(searchRoutes, { sql });
    },
    { prefix: '/v1' },
  );
  await app.register(codecRoutes, {
    codec: dataConverterOf(config).payloadCodecs![0]!,
    uiOrigins: [
      `http://127.0.0.1:${config.temporal.uiPort}`,
      `http://localhost:${config.temporal.uiPort}`,
      'http://localhost:8080',
    ],
    requireKey: config.env !== 'development',
  });
  await app.register(webhookRoutes, {
    sql,
    client: temporal.client,
    smile: config.smile,
    smileId: config.smileId.enabled ? config.smileId : undefined,
  });
  if (config.demo.enabled) await app.register(demoRoutes, { config });
  return app;
}
