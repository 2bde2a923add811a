import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataConverterOf } from '../../runtime/temporal.js';
import { buildTestApp } from '../support/app.js';
import { auth, testConfig } from '../support/stack.js';

let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let close: () => Promise<void>;
const config = testConfig();
beforeAll(async () => {
  ({ app, close } = await buildTestApp());
});
afterAll(() => close?.());

const b64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');

describe('the codec endpoint for the Temporal UI', () => {
  it('decodes what the service encrypted, for the UI origin, with the key', async () => {
    const [sealed] = await dataConverterOf(config).payloadCodecs![0]!.encode([
      defaultPayloadConverter.toPayload({ status: 'COMPLETED' }),
    ]);
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(sealed!.metadata!).map(([k, v]) => [k, b64(v)])),
          data: b64(sealed!.data),
        },
      ],
    };
    const response = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { ...auth, origin: 'http://127.0.0.1:8233', 'x-namespace': 'default' },
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8233');
    const [payload] = response.json().payloads as { data: string }[];
    expect(JSON.parse(Buffer.from(payload!.data, 'base64').toString())).toEqual({ status: 'COMPLETED' });
  });

  it('answers the CORS preflight, and 401 without a key outside development', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/codec/decode',
      headers: { origin: 'http://127.0.0.1:8233', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, X-Namespace');
    const anonymous = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { 'content-type': 'application/json' },
      payload: { payloads: [] },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('takes an empty batch as protobuf JSON writes it, `{}` (the CLI encodes a query without arguments so)', async () => {
    for (const payload of [{}, { payloads: null }, { payloads: [] }]) {
      const response = await app.inject({ method: 'POST', url: '/codec/encode', headers: auth, payload });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ payloads: [] });
    }
  });
});
