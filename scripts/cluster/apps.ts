import { join } from 'node:path';
import { DEV_API_KEY, type Config } from '../../config/index.js';
import { ManagedProcess } from './process.js';
import { frontendOf, type ClusterPorts } from './topology.js';

/**
 * The product's processes on the cluster, as production runs them: plain Node on each
 * entrypoint with an explicit environment (nothing inherited but PATH and HOME), the
 * prebuilt workflow bundle, and every secret passed by name.
 */
export interface AppOptions {
  root: string;
  ports: ClusterPorts;
  databaseUrl: string;
  workflowBundlePath: string;
  /** Settings for every process: NODE_ENV, secrets, log level, task queue… */
  env: Record<string, string>;
  logDir?: string;
  onLine?: (name: string, line: string) => void;
}

/** The secrets and endpoints the cluster's processes share, from the script's own (development) config. */
export function secretsOf(config: Config, apiKeys = process.env.API_KEYS ?? DEV_API_KEY): Record<string, string> {
  return {
    API_KEYS: apiKeys,
    PAYLOAD_ENCRYPTION_KEY: config.payloadEncryptionKey.key,
    SMILE_API_URL: config.smile.apiUrl,
    SMILE_API_KEY: config.smile.apiKey,
    SMILE_API_SECRET: config.smile.apiSecret,
    SMILE_WEBHOOK_SECRET: config.smile.webhookSecret,
    RESULT_CALLBACK_SECRET: config.resultCallback.secret,
    SMILE_ID_URL: config.smileId.url,
    SMILE_ID_PARTNER_ID: config.smileId.partnerId,
    SMILE_ID_API_KEY: config.smileId.apiKey,
  };
}

function nodeProcess(options: AppOptions, name: string, entry: string, env: Record<string, string>, readyUrl: string) {
  const { root, ports, databaseUrl, workflowBundlePath, logDir, onLine } = options;
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', entry],
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: `127.0.0.1:${frontendOf(ports).grpcPort}`,
      // /codec answers the Web UI's origin (CORS).
      TEMPORAL_UI_PORT: String(ports.ui),
      WORKFLOW_BUNDLE_PATH: workflowBundlePath,
      ...options.env,
      ...env,
    },
    // Up means serving; /readyz may say 503 while a dependency recovers, which is still up.
    ready: () =>
      fetch(readyUrl).then(
        (r) => r.status < 500 || r.status === 503,
        () => false,
      ),
    onLine: onLine && ((line) => onLine(name, line)),
    ...(logDir ? { logFile: join(logDir, `${name}.log`) } : {}),
  });
}

export function apiProcess(options: AppOptions, index: 0 | 1): ManagedProcess {
  const port = options.ports.apis[index];
  return nodeProcess(
    options,
    `api-${index + 1}`,
    'api/server.ts',
    { HOST: '127.0.0.1', PORT: String(port) },
    `http://127.0.0.1:${port}/healthz`,
  );
}

export function workerProcess(options: AppOptions, index: 0 | 1): ManagedProcess {
  const port = options.ports.workerMetrics[index];
  return nodeProcess(
    options,
    `worker-${index + 1}`,
    'worker/main.ts',
    { WORKER_METRICS_HOST: '127.0.0.1', WORKER_METRICS_PORT: String(port) },
    `http://127.0.0.1:${port}/metrics`,
  );
}

/** The sandbox as its own process; in development it sends its webhooks to the first API (HOST, PORT). */
export function sandboxProcess(options: AppOptions): ManagedProcess {
  const { ports } = options;
  return nodeProcess(
    options,
    'sandbox',
    'sandbox/server.ts',
    { SANDBOX_HOST: '127.0.0.1', SANDBOX_PORT: String(ports.sandbox), HOST: '127.0.0.1', PORT: String(ports.apis[0]) },
    `http://127.0.0.1:${ports.sandbox}/`,
  );
}
