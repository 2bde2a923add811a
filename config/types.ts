import type { ApiScope, Env } from './env.js';

/** A bearer key of `API_KEYS`: its name is logged and audited, its secret never. */
export interface ApiKey {
  name: string;
  secret: string;
  scopes: readonly ApiScope[];
}

export interface TemporalTls {
  caPath?: string;
  certPath?: string;
  keyPath?: string;
  serverName?: string;
}

/** The service's settings, shaped from the environment by `loadConfig`. */
export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  api: {
    port: number;
    host: string;
    keys: ApiKey[];
    publicUrl: string;
    rateLimitPerMinute: number;
    /** Per client address, for requests without a valid key and for /metrics and /readyz. */
    anonymousRateLimitPerMinute: number;
    /** Load shedding limits (`@fastify/under-pressure`). */
    pressure: { maxHeapUsedBytes: number; maxRssBytes: number; maxEventLoopDelayMs: number };
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
  /** DATA_RETENTION_DAYS: the daily purge removes personal data of runs closed longer ago. */
  retention: { days: number };
  /** OpenTelemetry: `endpoint` set, traces are exported there over OTLP/HTTP; unset, off. */
  tracing: { endpoint: string | undefined };
  demo: { enabled: boolean; widgetScriptUrl: string; linkApiHost: string };
  smile: {
    apiUrl: string;
    apiKey: string;
    apiSecret: string;
    webhookSecret: string;
    webhookAllowedIps: string[] | undefined;
    /** `failures` wrong signatures in a row from one address: 429 unread for `blockSeconds`. */
    signatureThrottle: { failures: number; blockSeconds: number };
    requestsPerSecond: number;
    /** SMILE_INVITE_TEMPLATE_ID; undefined in production when unset (invites are then refused). */
    inviteTemplateId: string | undefined;
  };
  resultCallback: { url: string | undefined; secret: string; allowPrivateNetworks: boolean };
  /** `enabled` is false in production without the `SMILE_ID_*` settings: KYC policies are then refused. */
  smileId: { enabled: boolean; url: string; partnerId: string; apiKey: string };
  payloadEncryptionKey: { key: string; retired: string[]; isDevKey: boolean };
  sandbox: { port: number; host: string };
}
