import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

// A CommonJS package: Node's ESM loader sees only its default export.
const { temporal } = proto;

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A short, stable id for a key, so a payload names the key that sealed it (rotation by key id). */
export const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 12);

/**
 * AES-256-GCM for every payload in Temporal history: the whole payload
 * (metadata and data) is sealed, with the key id in clear metadata. `keys`
 * holds the current key first, then retired ones still able to decrypt.
 */
export function createEncryptionCodec(keys: Buffer[]): PayloadCodec {
  if (keys.length === 0 || keys.some((key) => key.length !== 32)) throw new TypeError('AES-256-GCM keys are 32 bytes');
  const byId = new Map(keys.map((key) => [keyIdOf(key), key]));
  const current = keys[0]!;
  const currentId = keyIdOf(current);
  return {
    async encode(payloads: Payload[]): Promise<Payload[]> {
      return payloads.map((payload) => {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', current, iv);
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        return { metadata: { encoding: encoder.encode(ENCODING), [KEY_ID]: encoder.encode(currentId) }, data: sealed };
      });
    },
    async decode(payloads: Payload[]): Promise<Payload[]> {
      return payloads.map((payload) => {
        // Payloads written before encryption was turned on pass through unchanged.
        if (!payload.metadata?.encoding || decoder.decode(payload.metadata.encoding) !== ENCODING) return payload;
        const keyId = payload.metadata[KEY_ID] ? decoder.decode(payload.metadata[KEY_ID]) : '';
        const key = byId.get(keyId);
        if (!key) throw new Error(`no key ${keyId} to decrypt this payload`);
        const sealed = Buffer.from(payload.data ?? []);
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
        decipher.setAuthTag(sealed.subarray(sealed.length - 16));
        const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain) as Payload;
      });
    },
  };
}
