import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import type { Log } from '../temporal-binary.js';

/** Closed verifications stay readable in the Web UI this long; the decisions live in Postgres. */
export const NAMESPACE_RETENTION_DAYS = 7;

const { IndexedValueType } = proto.temporal.api.enums.v1;
const TYPES: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
};

/** gRPC status codes (the client's errors carry them as `code`). */
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const codeOf = (error: unknown) => (error as { code?: number }).code;

/** Retries `task` while the frontend is still coming up (it answers UNAVAILABLE until its ring forms). */
async function retrying<T>(what: string, task: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await task();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`);
      await sleep(500);
    }
  }
}

async function ensureNamespace(connection: Connection, namespace: string, log: Log): Promise<void> {
  const service = connection.workflowService;
  const exists = await service.describeNamespace({ namespace }).then(
    () => true,
    (error: unknown) => {
      if (codeOf(error) === NOT_FOUND) return false;
      throw error;
    },
  );
  if (exists) return;
  await service
    .registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(`${NAMESPACE_RETENTION_DAYS} days`),
    })
    .catch((error: unknown) => {
      if (codeOf(error) !== ALREADY_EXISTS) throw error;
    });
  log(`registered the namespace ${namespace} (retention ${NAMESPACE_RETENTION_DAYS} days)`);
}

/** The attributes of workflows/search-attributes.ts that the namespace does not list yet. */
async function missingAttributes(connection: Connection, namespace: string) {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  return SEARCH_ATTRIBUTES.filter(({ name }) => !(name in (listed.customAttributes ?? {})));
}

/**
 * The namespace and the search attributes of the verification workflows on a cluster, idempotently: what exists is
 * left alone. Returns once the frontend lists every attribute (the history services read them
 * from the namespace registry, refreshed every 2 s).
 */
export async function registerNamespace(address: string, namespace: string, log: Log): Promise<void> {
  const connection = await retrying(`connecting to ${address}`, () =>
    Connection.connect({ address, connectTimeout: 2_000 }),
  );
  try {
    await retrying(`registering the namespace ${namespace}`, () => ensureNamespace(connection, namespace, log));
    await retrying(`waiting for the namespace ${namespace}`, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
    const missing = await retrying('listing search attributes', () => missingAttributes(connection, namespace));
    if (missing.length === 0) return;
    await retrying('adding search attributes', () =>
      connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map(({ name, type }) => [name, TYPES[type]!])),
      }),
    );
    await retrying('waiting for the search attributes', async () => {
      const still = await missingAttributes(connection, namespace);
      if (still.length) throw new Error(`not listed yet: ${still.map(({ name }) => name).join(', ')}`);
    });
    log(`registered the search attributes ${missing.map(({ name }) => name).join(', ')}`);
    // The history services pick them up from the namespace registry on its next refresh.
    await sleep(3_000);
  } finally {
    await connection.close();
  }
}
