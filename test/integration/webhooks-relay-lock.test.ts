import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { deliverPending } from '../../api/webhooks/relay.js';
import { smileEventSignals } from '../support/history.js';
import { startVerification, uniqueUser } from '../support/journeys.js';
import { useStack } from '../support/stack.js';
import { postWebhook, settledState, smileEvent } from '../support/webhooks.js';

const stack = useStack();

async function smileSignals(workflowId: string, eventId: string): Promise<number> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  const signals = await smileEventSignals(history, stack.client.workflow.options.loadedDataConverter);
  return signals.flat().filter((ref) => ref.eventId === eventId).length;
}

const stateOf = async (id: string) =>
  (await stack.sql<{ state: string }[]>`select state from inbox_events where id = ${id}`)[0]?.state;

describe('the relay and the webhook route never signal the same event twice', () => {
  it('a relay pass skips an event whose row another transaction holds locked, and delivers it once released', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('locked') });
    const envelope = smileEvent('ACCOUNT_CREATED', {
      userId: started.smileUserId,
      accountId: 'acc-1',
      providerId: 'provider-1',
    });
    await stack.sql`
      insert into inbox_events (id, source, type, smile_user_id, body)
      values (${envelope.id}, 'smile', 'ACCOUNT_CREATED', ${started.smileUserId}, ${stack.sql.json(envelope as never)})`;

    // Another transaction holds the row (a relay pass of another API process, say).
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = stack.sql.begin(async (tx) => {
      await tx`select 1 from inbox_events where id = ${envelope.id} for update`;
      locked();
      await released;
    });
    await isLocked;
    for (let i = 0; i < 3; i++) await deliverPending({ sql: stack.sql, client: stack.client });
    expect(await stateOf(envelope.id)).toBe('pending');
    expect(await smileSignals(started.verificationId, envelope.id)).toBe(0);

    release();
    await holder;
    for (let i = 0; i < 50 && (await stateOf(envelope.id)) !== 'delivered'; i++) {
      await deliverPending({ sql: stack.sql, client: stack.client });
      await sleep(100);
    }
    expect(await stateOf(envelope.id)).toBe('delivered');
    for (let i = 0; i < 3; i++) await deliverPending({ sql: stack.sql, client: stack.client });
    expect(await smileSignals(started.verificationId, envelope.id)).toBe(1);
  });

  it('a relay pass right after the route answered leaves the event to the route (its grace): one signal', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('grace') });
    const event = smileEvent('ACCOUNT_CREATED', {
      userId: started.smileUserId,
      accountId: 'acc-grace',
      providerId: 'provider-1',
    });
    expect((await postWebhook(stack.app, event)).statusCode).toBe(200);
    // Relay passes racing the route's own signal, as the API's relay would every second.
    await Promise.all(Array.from({ length: 3 }, () => deliverPending({ sql: stack.sql, client: stack.client })));
    expect(await settledState(stack.sql, event.id)).toBe('delivered');
    for (let i = 0; i < 3; i++) await deliverPending({ sql: stack.sql, client: stack.client });
    expect(await smileSignals(started.verificationId, event.id)).toBe(1);
  });
});
