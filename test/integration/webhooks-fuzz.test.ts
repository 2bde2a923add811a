import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { freePort } from '../../scripts/ports.js';
import { smileEvent, smileSignature } from '../support/webhooks.js';

let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let sql: Awaited<ReturnType<typeof buildTestApp>>['sql'];
let close: () => Promise<void>;
beforeAll(async () => {
  // Real Postgres; Temporal at a dead port (nothing forged may get far enough to need it).
  ({ app, sql, close } = await buildTestApp({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` }));
});
afterAll(() => close?.());

const genuine = JSON.stringify(
  smileEvent('TASK_FINISHED', { userId: 'tenantId-fuzz', payload: { identity: { id: 'i-1' } } }),
);
const genuineSignature = smileSignature(genuine);

/** A body: random JSON, random bytes, or the genuine body with a few bytes flipped, cut or added. */
const body = fc.oneof(
  fc.json(),
  fc.string(),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc
    .tuple(fc.nat(genuine.length - 1), fc.integer({ min: 1, max: 255 }))
    .map(
      ([at, xor]) => genuine.slice(0, at) + String.fromCharCode(genuine.charCodeAt(at) ^ xor) + genuine.slice(at + 1),
    ),
  fc.nat(genuine.length - 1).map((at) => genuine.slice(0, at)),
  fc.string({ minLength: 1, maxLength: 5 }).map((extra) => genuine + extra),
);
/** A signature: absent, random, the genuine one (for another body), or one made with the wrong key or algorithm. */
const signature = (raw: string) =>
  fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 140 }),
    fc.constant(genuineSignature),
    fc.constant(smileSignature(raw, 'not-the-secret')),
    fc.constant(createHmac('sha256', 'sandbox-webhook-secret').update(raw).digest('hex')),
    fc.constant(smileSignature(raw).toUpperCase().slice(0, 127)),
  );
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
);

describe('fuzzing the webhook routes', () => {
  it('10,000 random and mutated requests: no 5xx, nothing forged accepted, nothing stored', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        body.chain((raw) =>
          fc.tuple(
            fc.constant(raw),
            signature(raw),
            contentType,
            fc.constantFrom('/webhooks/smile', '/webhooks/smile-id'),
          ),
        ),
        async ([raw, sig, type, url]) => {
          if (raw === genuine && sig === genuineSignature) return; // the one genuine request is not a forgery
          const headers: Record<string, string> = { 'content-type': type };
          if (sig !== undefined) headers['smile-signature'] = sig;
          const response = await app.inject({ method: 'POST', url, headers, payload: raw });
          expect(response.statusCode).toBeLessThan(500);
          if (response.statusCode < 300) accepted++;
        },
      ),
      { numRuns: 10_000 },
    );
    expect(accepted).toBe(0);
    const genuineId = (JSON.parse(genuine) as { id: string }).id;
    expect((await sql`select count(*)::int as n from inbox_events where id = ${genuineId}`)[0]!.n).toBe(0);
  });
});
