import { insertEvents } from '../../db/inbox.js';
import { deliverEvents } from '../../api/webhooks/deliver.js';
import { smileInboxEvent } from '../../db/inbox.js';
import { webhookEnvelopeSchema } from '../../smile/webhooks.js';
import { validSmileSignature } from '../../smile/signatures.js';
import { smileEventSignal } from '../../workflows/messages.js';
import { signedEvent } from './load/events.js';
import { INGEST_WEBHOOK_SECRET, type IngestStack } from './stack.js';
import type { Waiting } from './waiting.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

export interface Breakdown {
  signature: number;
  parse: number;
  insert: number;
  deliver: number;
  signalOnly: number;
}

/**
 * Where one request's time goes in our route, one event at a time (no
 * contention): the same calls the route makes, timed separately; medians in ms.
 */
export async function breakdown(stack: IngestStack, targets: Waiting[], samples: number): Promise<Breakdown> {
  const phases: Record<keyof Breakdown, number[]> = {
    signature: [],
    parse: [],
    insert: [],
    deliver: [],
    signalOnly: [],
  };
  for (let i = 0; i < samples; i++) {
    const target = targets[i % targets.length]!;
    const id = `et-breakdown-${process.pid}-${i}`;
    const { body, signature } = signedEvent(INGEST_WEBHOOK_SECRET, id, target.smileUserId, 'ACCOUNT_CREATED');
    const raw = Buffer.from(body);
    let t = performance.now();
    if (!validSmileSignature(raw, signature, INGEST_WEBHOOK_SECRET)) throw new Error('breakdown: bad signature');
    phases.signature.push(performance.now() - t);
    t = performance.now();
    const envelope = webhookEnvelopeSchema.parse(JSON.parse(raw.toString('utf8')));
    phases.parse.push(performance.now() - t);
    t = performance.now();
    const event = smileInboxEvent(envelope);
    await insertEvents(stack.sql, [{ event, body: envelope }]);
    phases.insert.push(performance.now() - t);
    t = performance.now();
    const outcomes = await deliverEvents({ sql: stack.sql, client: stack.client }, [
      { ...event, receivedAt: new Date() },
    ]);
    const outcome = outcomes.get(event.id);
    if (outcome !== 'delivered') throw new Error(`breakdown: event ${outcome}`);
    phases.deliver.push(performance.now() - t);
    t = performance.now();
    await stack.client.workflow.getHandle(target.workflowId).signal(smileEventSignal, {
      eventId: `${id}-signal`,
      type: 'ACCOUNT_CREATED',
      smileUserId: target.smileUserId,
      accountId: 'a-bench',
      providerId: 'sss_ph',
      hasPayload: false,
      createdAt: new Date().toISOString(),
    });
    phases.signalOnly.push(performance.now() - t);
  }
  return {
    signature: median(phases.signature),
    parse: median(phases.parse),
    insert: median(phases.insert),
    deliver: median(phases.deliver),
    signalOnly: median(phases.signalOnly),
  };
}
