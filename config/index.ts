import { z } from 'zod';

/**
 * The one place that reads the environment (SPEC §2). Every entrypoint calls
 * `loadConfig()`; nothing else touches `process.env`.
 */

/** The dev AES-256-GCM key: fine on a laptop, printed as such, refused in production. */
export const DEV_PAYLOAD_ENCRYPTION_KEY = 'c21pbGUtdmVyaWZ5LWRldi1wYXlsb2FkLWtleS0zMmI=';
export const DEV_API_KEY = 'dev-api-key';

const port = z.coerce.number().int().min(0).max(65_535);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where Smile ID and browsers reach this API (the KYC callback URL is built from it). */
  PUBLIC_URL: httpUrl.optional(),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1_200),
  API_KEYS: list.pipe(z.array(z.string().min(8, 'each key needs at least 8 characters')).min(1)).default([DEV_API_KEY]),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('verifications'),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Remote clusters: TLS is on when any TLS variable or an API key is set (Temporal Cloud needs both off or on). */
  TEMPORAL_TLS: z.stringbool().optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** A Temporal Cloud API key (sent as a bearer token over TLS). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** The worker's Prometheus endpoint (Temporal runtime metrics); 0 turns it off. */
  WORKER_METRICS_PORT: port.default(9464),
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** How long a stopping worker lets running activities finish before cancelling them. */
  /** Workflows kept in the worker's sticky cache: each costs about half a megabyte; evicted ones replay on their next task. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(300),
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
  /** The prebuilt workflow bundle (`npm run build:workflows`); without it the worker bundles from source. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  /** `GET /demo`: on in development and test, off in production unless turned on. */
  DEMO_ENABLED: z.stringbool().optional(),
  /** The Wink SDK the demo loads; defaults to the sandbox's copy, or Smile's real one for a smileapi.io API URL. */
  SMILE_WIDGET_SCRIPT_URL: httpUrl.optional(),
  SMILE_API_URL: httpUrl.default('http://127.0.0.1:3100/v1'),
  SMILE_API_KEY: z.string().min(1).default('sandbox-key'),
  SMILE_API_SECRET: z.string().min(1).default('sandbox-secret'),
  SMILE_WEBHOOK_SECRET: z.string().min(1).default('sandbox-webhook-secret'),
  /** Requests per second each worker process allows itself against the Smile API (Smile's limit is 20). */
  SMILE_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(10_000).default(20),
  SMILE_WEBHOOK_ALLOWED_IPS: list.optional(),
  /** Proxies in front of the API whose X-Forwarded-For is believed (addresses or CIDRs), for the allow-list. */
  TRUSTED_PROXIES: list.optional(),
  RESULT_CALLBACK_URL: httpUrl.optional(),
  RESULT_CALLBACK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be a Standard Webhooks secret (whsec_…)')
    .default('whsec_ZGV2LXJlc3VsdC1jYWxsYmFjay1zZWNyZXQ='),
  SMILE_ID_URL: httpUrl.default('http://127.0.0.1:3100/smile-id/v1'),
  SMILE_ID_PARTNER_ID: z.string().min(1).default('sandbox-partner'),
  SMILE_ID_API_KEY: z.string().min(1).default('sandbox-smile-id-key'),
  PAYLOAD_ENCRYPTION_KEY: z
    .base64('must be base64')
    .refine((key) => Buffer.from(key, 'base64').length === 32, 'must decode to 32 bytes (AES-256)')
    .default(DEV_PAYLOAD_ENCRYPTION_KEY),
  /** Retired keys (comma-separated base64) still able to decrypt older history after a rotation. */
  PAYLOAD_ENCRYPTION_RETIRED_KEYS: list.optional(),
  SANDBOX_PORT: port.default(3100),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
});

type Env = z.infer<typeof schema>;

export interface TemporalTls {
  caPath?: string;
  certPath?: string;
  keyPath?: string;
  serverName?: string;
}

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

/** Smile's real SDK for Smile's hosts (with the matching link host), else the sandbox's copy beside its API. */
function widgetOf(env: Env): { widgetScriptUrl: string; linkApiHost: string } {
  const api = new URL(env.SMILE_API_URL);
  const real = api.hostname.endsWith('smileapi.io');
  const linkApiHost =
    real && !api.hostname.startsWith('sandbox') ? 'https://link.smileapi.io/v1' : 'https://link-sandbox.smileapi.io/v1';
  return {
    widgetScriptUrl:
      env.SMILE_WIDGET_SCRIPT_URL ??
      (real ? 'https://web.smileapi.io/v2/smile.v2.js' : `${api.origin}/wink/smile.v2.js`),
    linkApiHost,
  };
}

export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  api: {
    port: number;
    host: string;
    keys: string[];
    publicUrl: string;
    rateLimitPerMinute: number;
    trustedProxies: string[] | undefined;
  };
  database: { url: string | undefined; poolSize: number };
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiPort: number;
    tls: TemporalTls | undefined;
    apiKey: string | undefined;
  };
  worker: {
    metrics: { host: string; port: number } | undefined;
    shutdownGraceSeconds: number;
    workflowBundlePath: string | undefined;
    maxCachedWorkflows: number;
  };
  demo: { enabled: boolean; widgetScriptUrl: string; linkApiHost: string };
  smile: {
    apiUrl: string;
    apiKey: string;
    apiSecret: string;
    webhookSecret: string;
    webhookAllowedIps: string[] | undefined;
    requestsPerSecond: number;
  };
  resultCallback: { url: string | undefined; secret: string };
  smileId: { url: string; partnerId: string; apiKey: string };
  payloadEncryptionKey: { key: string; retired: string[]; isDevKey: boolean };
  sandbox: { port: number; host: string };
}

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError naming each invalid variable. */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as in most twelve-factor tooling.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0]), message: issue.message })),
    );
  }
  const env = parsed.data;
  const isDevKey = env.PAYLOAD_ENCRYPTION_KEY === DEV_PAYLOAD_ENCRYPTION_KEY;
  if (env.NODE_ENV === 'production' && isDevKey) {
    throw new ConfigError([
      { variable: 'PAYLOAD_ENCRYPTION_KEY', message: 'the dev key cannot be used in production' },
    ]);
  }
  if (env.NODE_ENV === 'production' && env.API_KEYS.includes(DEV_API_KEY)) {
    throw new ConfigError([{ variable: 'API_KEYS', message: 'the dev key cannot be used in production' }]);
  }
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
    demo: { enabled: env.DEMO_ENABLED ?? env.NODE_ENV !== 'production', ...widgetOf(env) },
    smile: {
      apiUrl: env.SMILE_API_URL,
      apiKey: env.SMILE_API_KEY,
      apiSecret: env.SMILE_API_SECRET,
      webhookSecret: env.SMILE_WEBHOOK_SECRET,
      webhookAllowedIps: env.SMILE_WEBHOOK_ALLOWED_IPS,
      requestsPerSecond: env.SMILE_RATE_LIMIT_PER_SECOND,
    },
    resultCallback: { url: env.RESULT_CALLBACK_URL, secret: env.RESULT_CALLBACK_SECRET },
    smileId: { url: env.SMILE_ID_URL, partnerId: env.SMILE_ID_PARTNER_ID, apiKey: env.SMILE_ID_API_KEY },
    payloadEncryptionKey: {
      key: env.PAYLOAD_ENCRYPTION_KEY,
      retired: env.PAYLOAD_ENCRYPTION_RETIRED_KEYS ?? [],
      isDevKey,
    },
    sandbox: { port: env.SANDBOX_PORT, host: env.SANDBOX_HOST },
  };
}

/** For entrypoints: load the config or print what is wrong and exit(1). */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
