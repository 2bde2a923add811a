import type { Env } from './env.js';

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
