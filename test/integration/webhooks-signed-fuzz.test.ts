import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataActivities } from '../../activities/datapoints.js';
import { storableText } from '../../db/json.js';
import { buildTestApp } from '../support/app.js';
import { freePort } from '../../scripts/ports.js';
import { postWebhook, smileEvent } from '../support/webhooks.js';

/**
 * The other half of webhooks-fuzz.test.ts: every request here is validly
 * signed, and its contents are hostile (SPEC §4). Nothing may answer 5xx,
 * nothing may be lost (each event is in the inbox), and nothing may get stuck
 * (storing a TASK_FINISHED payload succeeds, so the workflow can decide).
 */
let built: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  built = await buildTestApp({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
});
afterAll(() => built?.close());

const noSmile = { async *dataPages() {} };

/** Any UTF-16 code unit: NUL and other control characters, lone surrogates, U+FFFF. */
const hostileString = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});
/** Number literals JSON allows but JavaScript and Postgres cannot hold as written. */
const hugeNumber = fc.constantFrom(
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '4.9e-400',
  '0.' + '1'.repeat(400),
);

/** A raw TASK_FINISHED body, signed later: hostile strings, a huge number spliced in as text, repeated ids. */
const hostileTaskFinished = fc
  .record({
    userId: hostileString.filter((s) => s.length > 0),
    note: hostileString,
    key: hostileString,
    ids: fc.array(fc.constantFrom('e-1', 'e-2', 'e-\u0000', 'e-\ud800'), { minLength: 1, maxLength: 30 }),
    number: hugeNumber,
    depth: fc.integer({ min: 1, max: 300 }),
  })
  .map(({ userId, note, key, ids, number, depth }) => {
    const event = smileEvent('TASK_FINISHED', {
      userId,
      sourceId: `a-${note}`,
      status: 'SUCCEEDED',
      datapoints: ['employments', note],
      payload: {
        identity: { id: `i-${note}`, fullName: note, [key]: note },
        employments: { nextCursor: null, items: ids.map((id) => ({ id, employer: note, salary: 'HUGE' })) },
      },
      nested: 'DEEP',
    });
    const raw = JSON.stringify(event)
      .replaceAll('"HUGE"', number)
      .replace('"DEEP"', '['.repeat(depth) + ']'.repeat(depth));
    return { id: event.id, raw };
  });

async function expectStoredAndDecidable(id: string) {
  const [row] = await built.sql<
    { n: number }[]
  >`select count(*)::int as n from inbox_events where id = ${storableText(id)}`;
  expect(row?.n).toBe(1);
  await createDataActivities({ sql: built.sql, smile: noSmile }).storeTaskPayload({ eventId: storableText(id) });
}

describe('fuzzing the webhook routes with valid signatures', () => {
  it('hostile TASK_FINISHED bodies: each is 200, stored, and its payload stored without error', async () => {
    await fc.assert(
      fc.asyncProperty(hostileTaskFinished, async ({ id, raw }) => {
        const response = await postWebhook(built.app, raw);
        expect(response.statusCode, response.body).toBe(200);
        await expectStoredAndDecidable(id);
      }),
      { numRuns: 150 },
    );
  });

  it('nesting 10,000 levels deep, and a 10,000-item list with duplicated ids', async () => {
    const deep = smileEvent('TASK_FINISHED', {
      userId: `tenantId-deep-${randomUUID()}`,
      payload: { identity: 'DEEP' },
    });
    const deepRaw = JSON.stringify(deep).replace('"DEEP"', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000));
    expect((await postWebhook(built.app, deepRaw)).statusCode).toBe(200);
    await expectStoredAndDecidable(deep.id);

    const userId = `tenantId-long-${randomUUID()}`;
    const items = Array.from({ length: 10_000 }, (_, i) => ({ id: `con-${i % 7_000}`, amount: i }));
    const long = smileEvent('TASK_FINISHED', { userId, payload: { contributions: { nextCursor: null, items } } });
    expect((await postWebhook(built.app, long)).statusCode).toBe(200);
    await expectStoredAndDecidable(long.id);
    const [count] = await built.sql<
      { n: number }[]
    >`select count(*)::int as n from datapoints where smile_user_id = ${userId}`;
    expect(count?.n).toBe(7_000);
  });

  it('control characters in every envelope field', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, async (text, type) => {
        const event = smileEvent(
          type.length > 0 ? type : 'X',
          { userId: text || 'u', accountId: text, errorCode: text },
          `et-${text}-${randomUUID()}`,
        );
        const response = await postWebhook(built.app, event);
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode === 200) {
          const [row] = await built.sql`select 1 from inbox_events where id = ${storableText(event.id)}`;
          expect(row).toBeDefined();
        }
      }),
      { numRuns: 200 },
    );
  });
});
