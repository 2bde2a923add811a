import { API_SCOPES, DEV_API_KEY, DEV_PAYLOAD_ENCRYPTION_KEY, envSchema, type ApiScope, type Env } from './env.js';
import { pressureOf, widgetOf } from './derived.js';
import { kycConfigured, productionIssues, type ConfigIssue } from './production.js';
import type { ApiKey, Config, TemporalTls } from './types.js';

export { API_SCOPES, DEV_API_KEY, DEV_PAYLOAD_ENCRYPTION_KEY };
export type { ApiKey, ApiScope, Config, TemporalTls };

/**
 * The one place that reads the environment. Every entrypoint calls
 * `loadConfig()`; nothing else touches `process.env`.
 */

/** TLS is on when asked for, when any TLS file is given, or with an API key (Temporal Cloud); off when TEMPORAL_TLS=false. */
function temporalTls(env: Env): TemporalTls | undefined {
  const files = {
    caPath: env.TEMPORAL_TLS_CA_PATH,
    certPath: env.TEMPORAL_TLS_CERT_PATH,
    keyPath: env.TEMPORAL_TLS_KEY_PATH,
  };
  const wanted = env.TEMPORAL_TLS ?? (Object.values(files).some(Boolean) || Boolean(env.TEMPORAL_API_KEY));
  if (!wanted) return undefined;
  return Object.fromEntries(
    Object.entries({ ...files, serverName: env.TEMPORAL_TLS_SERVER_NAME }).filter(([, v]) => v),
  );
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError naming each invalid variable. */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as in most twelve-factor tooling.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0]), message: issue.message })),
    );
  }
  const env = parsed.data;
  const refused = productionIssues(present, env);
  if (refused.length > 0) throw new ConfigError(refused);
  // By its bytes: another base64 spelling of the dev key is the dev key.
  const isDevKey = Buffer.from(env.PAYLOAD_ENCRYPTION_KEY, 'base64').equals(
    Buffer.from(DEV_PAYLOAD_ENCRYPTION_KEY, 'base64'),
  );
  if (Boolean(env.TEMPORAL_TLS_CERT_PATH) !== Boolean(env.TEMPORAL_TLS_KEY_PATH)) {
    const missing = env.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH';
    throw new ConfigError([
      {
        variable: missing,
        message: 'a client certificate needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH',
      },
    ]);
  }
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    api: {
      port: env.PORT,
      host: env.HOST,
      keys: env.API_KEYS,
      publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, ''),
      rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      anonymousRateLimitPerMinute: env.API_ANONYMOUS_RATE_LIMIT_PER_MINUTE,
      pressure: pressureOf(env),
      trustedProxies: env.TRUSTED_PROXIES,
    },
    database: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiPort: env.TEMPORAL_UI_PORT,
      tls: temporalTls(env),
      apiKey: env.TEMPORAL_API_KEY,
    },
    worker: {
      metrics:
        env.WORKER_METRICS_PORT === 0 ? undefined : { host: env.WORKER_METRICS_HOST, port: env.WORKER_METRICS_PORT },
      shutdownGraceSeconds: env.WORKER_SHUTDOWN_GRACE_SECONDS,
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      workflowBundlePath: env.WORKFLOW_BUNDLE_PATH,
    },
    retention: { days: env.DATA_RETENTION_DAYS },
    tracing: { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT },
    demo: { enabled: env.NODE_ENV !== 'production' && (env.DEMO_ENABLED ?? true), ...widgetOf(env) },
    smile: {
      apiUrl: env.SMILE_API_URL,
      apiKey: env.SMILE_API_KEY,
      apiSecret: env.SMILE_API_SECRET,
      webhookSecret: env.SMILE_WEBHOOK_SECRET,
      webhookAllowedIps: env.SMILE_WEBHOOK_ALLOWED_IPS,
      signatureThrottle: {
        failures: env.SMILE_WEBHOOK_SIGNATURE_FAILURES,
        blockSeconds: env.SMILE_WEBHOOK_SIGNATURE_BLOCK_SECONDS,
      },
      requestsPerSecond: env.SMILE_RATE_LIMIT_PER_SECOND,
      // Production has no default template: without one, a request with `invite` is refused.
      inviteTemplateId: env.SMILE_INVITE_TEMPLATE_ID ?? (env.NODE_ENV === 'production' ? undefined : 'tpl-sandbox'),
    },
    resultCallback: {
      url: env.RESULT_CALLBACK_URL,
      secret: env.RESULT_CALLBACK_SECRET,
      allowPrivateNetworks: env.RESULT_CALLBACK_ALLOW_PRIVATE_NETWORKS ?? env.NODE_ENV !== 'production',
    },
    smileId: {
      enabled: kycConfigured(present, env),
      url: env.SMILE_ID_URL,
      partnerId: env.SMILE_ID_PARTNER_ID,
      apiKey: env.SMILE_ID_API_KEY,
    },
    payloadEncryptionKey: {
      key: env.PAYLOAD_ENCRYPTION_KEY,
      retired: env.PAYLOAD_ENCRYPTION_RETIRED_KEYS ?? [],
      isDevKey,
    },
    sandbox: { port: env.SANDBOX_PORT, host: env.SANDBOX_HOST },
  };
}

/**
 * For entrypoints: load the config or print what is wrong and exit(1). `defaults`
 * sit under the environment: the sandbox, a dev tool, defaults to development.
 */
export function loadConfigOrExit(defaults: Record<string, string> = {}): Config {
  try {
    return loadConfig({ ...defaults, ...process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
