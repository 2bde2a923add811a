import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type State, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config/index.js';
import { dataConverterOf } from '../runtime/temporal.js';
import {
  clientInterceptors,
  startTracing,
  tracedBundlePath,
  WORKFLOW_INTERCEPTOR_MODULES,
} from '../runtime/tracing.js';
import { createSmileActivities, createStoreActivities } from '../activities/index.js';
import type { SmileClient } from '../smile/index.js';
import type { Sql } from '../db/client.js';
import { SMILE_USER_ACTIVITIES, smileTaskQueue, smileUserTaskQueue } from '../workflows/task-queues.js';

/** The workflow code beside this module: `.ts` from the sources, `.js` in the compiled `dist/`. */
export const WORKFLOWS_PATH = fileURLToPath(
  new URL(`../workflows/index${import.meta.url.endsWith('.js') ? '.js' : '.ts'}`, import.meta.url),
);

export interface WorkerDeps {
  config: Config;
  sql: Sql;
  smile: SmileClient;
  connection: NativeConnection;
  /** A prebuilt bundle's path in production (its traced twin is used while tracing is on); bundled from source otherwise. */
  workflowBundlePath?: string;
  /** How long running activities may finish after a shutdown signal (the SDK's default is 0). */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
}

/** The worker process's three Temporal workers, run and stopped together. */
export interface Workers {
  run(): Promise<void>;
  shutdown(): void;
  getState(): State;
  /** The worker's own client on its connection (the erasure's activities use it; so does the Schedule setup). */
  client: Client;
}

/**
 * One worker on the verification task queue (the workflows and every activity,
 * so a task scheduled there by any run finds its activity), one on the Smile
 * task queue, which the server rate-limits for all workers together, and one on
 * the queue of the Smile calls a person waits on.
 */
export async function createWorker({
  config,
  sql,
  smile,
  connection,
  workflowBundlePath,
  shutdownGraceTime,
}: WorkerDeps): Promise<Workers> {
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterOf(config),
    interceptors: clientInterceptors(),
  });
  const tracing = startTracing(config, 'smile-verify-worker');
  const traced = tracing.workerOptions();
  const deps = {
    temporal: client,
    sql,
    smile,
    kyc: { ...config.smileId, callbackUrl: `${config.api.publicUrl}/webhooks/smile-id` },
    inviteTemplateId: config.smile.inviteTemplateId,
    callback: {
      defaultUrl: config.resultCallback.url,
      secret: config.resultCallback.secret,
      publicUrl: config.api.publicUrl,
      allowPrivateNetworks: config.resultCallback.allowPrivateNetworks,
    },
  };
  const smileActivities = createSmileActivities(deps);
  // The main queue runs every activity (a Smile one too, when a test or an older schedule puts it there).
  const activities = { ...smileActivities, ...createStoreActivities(deps) };
  const common = {
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterOf(config),
    ...(shutdownGraceTime === undefined ? {} : { shutdownGraceTime }),
  };
  const main = await Worker.create({
    ...common,
    taskQueue: config.temporal.taskQueue,
    ...(workflowBundlePath
      ? { workflowBundle: { codePath: tracing.enabled ? tracedBundlePath(workflowBundlePath) : workflowBundlePath } }
      : { workflowsPath: WORKFLOWS_PATH }),
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    activities,
    sinks: traced.sinks,
    // OpenTelemetry's workflow interceptors only while tracing is on (the traced bundle has them in already).
    interceptors: {
      ...traced.interceptors,
      ...(workflowBundlePath || !tracing.enabled ? {} : { workflowModules: WORKFLOW_INTERCEPTOR_MODULES }),
    },
  });
  const smileWorker = await Worker.create({
    ...common,
    taskQueue: smileTaskQueue(config.temporal.taskQueue),
    activities: smileActivities,
    interceptors: traced.interceptors,
    // Server-side, for every worker polling this queue; each request still takes a turn of the shared limiter.
    maxTaskQueueActivitiesPerSecond: config.smile.requestsPerSecond,
  });
  // A start's and a token refresh's Smile activities: never behind a backlog on the Smile queue.
  const userSmileWorker = await Worker.create({
    ...common,
    taskQueue: smileUserTaskQueue(config.temporal.taskQueue),
    activities: Object.fromEntries(SMILE_USER_ACTIVITIES.map((name) => [name, activities[name]])),
    interceptors: traced.interceptors,
    maxTaskQueueActivitiesPerSecond: config.smile.requestsPerSecond,
  });
  const all = [main, smileWorker, userSmileWorker];
  return {
    async run() {
      // If one stops (a fatal error), the others stop too, and the error surfaces.
      const stopOthers = () => all.forEach((w) => w.getState() === 'RUNNING' && w.shutdown());
      await Promise.all(all.map((w) => w.run().finally(stopOthers)));
    },
    shutdown: () => {
      all.forEach((w) => w.getState() === 'RUNNING' && w.shutdown());
      void tracing.shutdown();
    },
    getState: () => main.getState(),
    client,
  };
}
