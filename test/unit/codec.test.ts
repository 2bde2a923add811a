import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createEncryptionCodec, keyIdOf } from '../../runtime/codec.js';

const key = Buffer.alloc(32, 1);
const retired = Buffer.alloc(32, 2);
const payload = defaultPayloadConverter.toPayload({ fullName: 'George Palomero', token: 'secret-token' });

describe('the payload encryption codec', () => {
  it('seals every payload: no plaintext on the wire, the key id in clear metadata, and back', async () => {
    const codec = createEncryptionCodec([key]);
    const [sealed] = await codec.encode([payload]);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('Palomero');
    expect(new TextDecoder().decode(sealed!.metadata!['encryption-key-id'])).toBe(keyIdOf(key));
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual({
      fullName: 'George Palomero',
      token: 'secret-token',
    });
  });

  it('decrypts with a retired key after rotation, and refuses tampering or an unknown key', async () => {
    const [old] = await createEncryptionCodec([retired]).encode([payload]);
    const rotated = createEncryptionCodec([key, retired]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toMatchObject({
      fullName: 'George Palomero',
    });
    await expect(createEncryptionCodec([key]).decode([old!])).rejects.toThrow(/no key/);
    const tampered = { ...old!, data: Buffer.from(old!.data!).fill(0, 20, 21) };
    await expect(rotated.decode([tampered])).rejects.toThrow();
  });

  it('passes through payloads written before encryption', async () => {
    expect(await createEncryptionCodec([key]).decode([payload])).toEqual([payload]);
  });
});
