import { clientInterceptors } from './tracing.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Client,
  Connection,
  WorkflowNotFoundError,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config/index.js';
import type { Db } from '../db/client.js';
import { requestUserErasure } from '../db/user-erasures.js';
import type { erasureWorkflow, ErasureInput } from '../workflows/erasure.js';
import { erasureWorkflowId, verificationWorkflowId } from '../workflows/ids.js';
import { endMonitorSignal } from '../workflows/messages.js';
import type { MonitorEndReason } from '../workflows/types.js';
import { createEncryptionCodec } from './codec.js';

/** Encodes failure messages and stack traces as a payload; the workflow bundle includes it too. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/**
 * Every payload in history is AES-256-GCM ciphertext, and so are failure
 * messages and stack traces (`encodeCommonAttributes`): the same converter on
 * client and worker.
 */
export function dataConverterOf(config: Pick<Config, 'payloadEncryptionKey'>): DataConverter {
  const { key, retired } = config.payloadEncryptionKey;
  return {
    payloadCodecs: [createEncryptionCodec([key, ...retired].map((k) => Buffer.from(k, 'base64')))],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}

/**
 * Where and how to reach Temporal, for the client's Connection and the worker's
 * NativeConnection alike: the address, TLS (server CA, client certificate, SNI
 * override) and a Temporal Cloud API key.
 */
export function connectionOptionsOf({ temporal }: Pick<Config, 'temporal'>): {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
} {
  const { address, tls, apiKey } = temporal;
  if (!tls) return { address, ...(apiKey ? { apiKey } : {}) };
  const read = (path: string) => readFileSync(path);
  return {
    address,
    tls: {
      ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
      ...(tls.caPath ? { serverRootCACertificate: read(tls.caPath) } : {}),
      ...(tls.certPath && tls.keyPath ? { clientCertPair: { crt: read(tls.certPath), key: read(tls.keyPath) } } : {}),
    },
    ...(apiKey ? { apiKey } : {}),
  };
}

/**
 * A lazy connection: the API starts (and answers /healthz, and 503 with a reason)
 * even while Temporal is down, and connects as soon as it is back.
 */
export function createTemporalClient(config: Config): { client: Client; connection: Connection } {
  const connection = Connection.lazy({ ...connectionOptionsOf(config), connectTimeout: 3_000 });
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterOf(config),
    interceptors: clientInterceptors(),
  });
  return { client, connection };
}

const SIGNAL_DEADLINE_MS = 15_000;

/**
 * Asks the user's verification to end its monitoring (`DELETE …/monitor`,
 * erasure); a run that is not monitoring ignores it. False when no run of the
 * user is open (unknown, or closed already).
 */
export async function signalEndMonitor(
  client: Client,
  externalUserId: string,
  reason: MonitorEndReason,
): Promise<boolean> {
  const handle = client.workflow.getHandle(verificationWorkflowId(externalUserId));
  try {
    await client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () => handle.signal(endMonitorSignal, { reason }));
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

const START_DEADLINE_MS = 10_000;

/**
 * Starts the user's erasure workflow, or joins the one running: a second
 * request while one runs joins it; after it closed, a new one runs (erasing
 * twice is fine). Starts for the user are refused from the moment it is
 * asked for until it finished (`user_erasures`). Used by `DELETE …/data` and by a disconnect under a policy
 * with `eraseOnDisconnect`, so both erase the same way, durably.
 */
export async function startErasure(
  sql: Db,
  client: Client,
  taskQueue: string,
  input: ErasureInput,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof erasureWorkflow>> {
  // Recorded first: from here on a start for the user is a 409, until the workflow's last step.
  await requestUserErasure(sql, input.externalUserId);
  return client.withDeadline(Date.now() + START_DEADLINE_MS, () =>
    client.workflow.start<typeof erasureWorkflow>('erasureWorkflow', {
      workflowId: erasureWorkflowId(input.externalUserId),
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      staticSummary: `Erasure of ${input.externalUserId}'s personal data`,
    }),
  );
}
