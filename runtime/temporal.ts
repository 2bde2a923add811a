import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config/index.js';
import { createEncryptionCodec } from './codec.js';

/** Every payload in history is AES-256-GCM ciphertext: the same converter on client and worker. */
export function dataConverterOf(config: Pick<Config, 'payloadEncryptionKey'>): DataConverter {
  const { key, retired } = config.payloadEncryptionKey;
  return { payloadCodecs: [createEncryptionCodec([key, ...retired].map((k) => Buffer.from(k, 'base64')))] };
}

/**
 * A lazy connection: the API starts (and answers /healthz, and 503 with a reason)
 * even while Temporal is down, and connects as soon as it is back.
 */
export function createTemporalClient(config: Config): { client: Client; connection: Connection } {
  const connection = Connection.lazy({ address: config.temporal.address, connectTimeout: 3_000 });
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverterOf(config) });
  return { client, connection };
}
