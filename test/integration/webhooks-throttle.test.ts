import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/ports.js';
import { buildTestApp } from '../support/app.js';
import { smileEvent, smileSignature } from '../support/webhooks.js';

/**
 * A source address that keeps failing the webhook signature check is answered 429 before its body
 * is read, for a while; correctly signed webhooks from another address go through all along. Real
 * HTTP from two loopback source addresses: 127.0.0.2 floods, 127.0.0.3 signs.
 */
let built: Awaited<ReturnType<typeof buildTestApp>>;
let port: number;
beforeAll(async () => {
  built = await buildTestApp({
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    SMILE_WEBHOOK_SIGNATURE_FAILURES: '5',
    SMILE_WEBHOOK_SIGNATURE_BLOCK_SECONDS: '60',
  });
  await built.app.listen({ host: '127.0.0.1', port: 0 });
  port = (built.app.server.address() as AddressInfo).port;
});
afterAll(() => built?.close());

interface Answer {
  status: number;
  retryAfter?: string;
}

/** Posts `body` from `localAddress`; with `declaredLength` larger than the body, the rest is never sent. */
function post(localAddress: string, body: string, signature: string, declaredLength = Buffer.byteLength(body)) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        localAddress,
        method: 'POST',
        path: '/webhooks/smile',
        headers: {
          'content-type': 'application/json',
          'content-length': declaredLength,
          'smile-signature': signature,
          connection: 'close',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined });
          req.destroy();
        });
      },
    );
    req.on('error', reject);
    req.write(body);
    if (declaredLength === Buffer.byteLength(body)) req.end();
  });
}

const signed = () => {
  const raw = JSON.stringify(smileEvent('USER_CREATED', { userId: `tenantId-throttle-${Math.random()}` }));
  return [raw, smileSignature(raw)] as const;
};

describe('throttling bad webhook signatures by source address', () => {
  it('answers 429 to an address that keeps failing, before its body is read, while signed webhooks from another pass', async () => {
    const forged = JSON.stringify(smileEvent('ACCOUNT_CONNECTED', { userId: 'tenantId-x' }));
    for (let i = 0; i < 5; i++) {
      expect((await post('127.0.0.2', forged, 'a'.repeat(128))).status).toBe(401);
      const [raw, signature] = signed();
      expect((await post('127.0.0.3', raw, signature)).status).toBe(200);
    }
    // From now on 127.0.0.2 is refused at once: a 10 MB body it never sends is not waited for.
    const blocked = await post('127.0.0.2', '{"id":', 'a'.repeat(128), 10 * 1024 * 1024);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect((await post('127.0.0.2', forged, 'a'.repeat(128))).status).toBe(429);
    for (let i = 0; i < 10; i++) {
      const [raw, signature] = signed();
      expect((await post('127.0.0.3', raw, signature)).status).toBe(200);
    }
    const metrics = await built.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/outcome="rejected_throttled"/);
  });

  it('never counts an address whose failures a correct signature interrupts', async () => {
    for (let i = 0; i < 12; i++) {
      const forged = JSON.stringify(smileEvent('USER_CREATED', { userId: 'tenantId-y' }));
      expect((await post('127.0.0.4', forged, 'b'.repeat(128))).status).toBe(401);
      if (i % 4 === 3) {
        const [raw, signature] = signed();
        expect((await post('127.0.0.4', raw, signature)).status).toBe(200);
      }
    }
  });
});
