import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/index.js';

/**
 * A lazy connection: the API starts (and answers /healthz, and 503 with a reason)
 * even while Temporal is down, and connects as soon as it is back.
 */
export function createTemporalClient(config: Config): { client: Client; connection: Connection } {
  const connection = Connection.lazy({ address: config.temporal.address, connectTimeout: 3_000 });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return { client, connection };
}
