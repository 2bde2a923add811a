import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type State, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config/index.js';
import { dataConverterOf } from '../runtime/temporal.js';
import { createActivities, SMILE_ACTIVITIES } from '../activities/index.js';
import type { SmileClient } from '../smile/index.js';
import type { Sql } from '../db/client.js';
import { smileTaskQueue } from '../workflows/task-queues.js';

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

/** The worker process's two Temporal workers, run and stopped together. */
export interface Workers {
  run(): Promise<void>;
  shutdown(): void;
  getState(): State;
  /** The worker's own client on its connection (the erasure's activities use it; so does the Schedule setup). */
  client: Client;
}

/**
 * One worker on the verification task queue (the workflows and every activity,
 * so a task scheduled there by any run finds its activity) and one on the Smile
 * task queue, which the server rate-limits for all workers together.
 */
export async function createWorker({
  config,
  sql,
  smile,
  connection,
  workflowBundle,
  shutdownGraceTime,
}: WorkerDeps): Promise<Workers> {
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterOf(config),
  });
  const activities = createActivities({
    temporal: client,
    sql,
    smile,
    kyc: { ...config.smileId, callbackUrl: `${config.api.publicUrl}/webhooks/smile-id` },
    callback: {
      defaultUrl: config.resultCallback.url,
      secret: config.resultCallback.secret,
      publicUrl: config.api.publicUrl,
      allowPrivateNetworks: config.resultCallback.allowPrivateNetworks,
    },
  });
  const common = {
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterOf(config),
    ...(shutdownGraceTime === undefined ? {} : { shutdownGraceTime }),
  };
  const main = await Worker.create({
    ...common,
    taskQueue: config.temporal.taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    activities,
  });
  const smileWorker = await Worker.create({
    ...common,
    taskQueue: smileTaskQueue(config.temporal.taskQueue),
    activities: Object.fromEntries(SMILE_ACTIVITIES.map((name) => [name, activities[name]])),
    // Server-side, for every worker polling this queue; each request still takes a turn of the shared limiter.
    maxTaskQueueActivitiesPerSecond: config.smile.requestsPerSecond,
  });
  const both = [main, smileWorker];
  return {
    async run() {
      // If one stops (a fatal error), the other stops too, and the error surfaces.
      const stopOthers = () => both.forEach((w) => w.getState() === 'RUNNING' && w.shutdown());
      await Promise.all(both.map((w) => w.run().finally(stopOthers)));
    },
    shutdown: () => both.forEach((w) => w.getState() === 'RUNNING' && w.shutdown()),
    getState: () => main.getState(),
    client,
  };
}
