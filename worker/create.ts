import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config/index.js';
import { dataConverterOf } from '../runtime/temporal.js';
import { createActivities } from '../activities/index.js';
import type { SmileClient } from '../activities/smile/index.js';
import type { Sql } from '../activities/store/db.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerDeps {
  config: Config;
  sql: Sql;
  smile: SmileClient;
  connection: NativeConnection;
  /** A prebuilt bundle in production; bundled from source otherwise. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** How long running activities may finish after a shutdown signal (the SDK's default is 0). */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
}

/** One worker on the verification task queue, hosting the workflow and every activity. */
export async function createWorker({
  config,
  sql,
  smile,
  connection,
  workflowBundle,
  shutdownGraceTime,
}: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    dataConverter: dataConverterOf(config),
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(shutdownGraceTime === undefined ? {} : { shutdownGraceTime }),
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    activities: createActivities({
      sql,
      smile,
      kyc: { ...config.smileId, callbackUrl: `${config.api.publicUrl}/webhooks/smile-id` },
      callback: {
        defaultUrl: config.resultCallback.url,
        secret: config.resultCallback.secret,
        publicUrl: config.api.publicUrl,
        allowPrivateNetworks: config.resultCallback.allowPrivateNetworks,
      },
    }),
  });
}
