import { createHmac } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { smileId } from '../envelope.js';
import type { DeliveryAttempt, SandboxState, SandboxWebhook, WebhookEvent } from '../state.js';

/** An event about to happen: its type, its data, and (for task events) the datapoint payload. */
export interface PendingEvent {
  type: string;
  data: Record<string, unknown>;
  /** Added to `data.payload` for webhooks registered with `includePayload` (TASK_FINISHED, ACCOUNT_SYNC_TASK_FINISHED). */
  payload?: () => Record<string, unknown>;
}

export const PAYLOAD_EVENT_TYPES = new Set(['TASK_FINISHED', 'ACCOUNT_SYNC_TASK_FINISHED']);

/** `Smile-Signature`: lowercase hex HMAC-SHA512 of the raw body, keyed with the webhook's secret (tag-webhooks.md). */
export function smileSignature(secret: string, rawBody: string): string {
  return createHmac('sha512', secret).update(rawBody).digest('hex');
}

const subscribed = (webhook: SandboxWebhook, type: string) =>
  webhook.active && (webhook.eventTypes.includes('ALL_EVENTS') || webhook.eventTypes.includes(type));

/**
 * Delivers events to registered webhooks: signed, retried twice on non-2xx
 * (a few seconds apart; configurable), in order per webhook and user (one
 * queue each: a retry holds back that user's later events), with the faults
 * of `state.faults` applied.
 */
export class WebhookDispatcher {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private readonly abort = new AbortController();

  constructor(
    private readonly state: SandboxState,
    private readonly retryDelaysMs: readonly number[],
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Emits one burst of events for a user (the unit that `reorderEvents` reverses). */
  publish(userId: string, pending: PendingEvent[]): WebhookEvent[] {
    const events = pending.map((p) => ({ event: this.envelope(p), payload: p.payload }));
    for (const { event } of events) this.state.events.push({ ...event, userId });
    const { dropEventTypes, duplicateEvents, reorderEvents } = this.state.faults;
    let outgoing = events.filter(({ event }) => !dropEventTypes.includes(event.type));
    if (reorderEvents) outgoing = outgoing.reverse();
    if (duplicateEvents) outgoing = outgoing.flatMap((e) => [e, e]);
    // The delay is latency, not spacing: every event of the burst is due at the same moment.
    const dueAt = Date.now() + this.state.faults.deliveryDelayMs;
    for (const webhook of this.state.webhooks.values()) {
      for (const { event, payload } of outgoing) {
        if (!subscribed(webhook, event.type)) continue;
        const withPayload = webhook.includePayload && payload && PAYLOAD_EVENT_TYPES.has(event.type);
        const body = JSON.stringify(withPayload ? { ...event, data: { ...event.data, payload: payload() } } : event);
        this.enqueue(`${webhook.id}:${userId}`, () => this.deliver(webhook, event, body, dueAt));
      }
    }
    return events.map(({ event }) => event);
  }

  /** Resolves when every queued delivery (retries included) has finished. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  /** Stops: pending retries and delays end at once, nothing more is sent. */
  close(): void {
    this.abort.abort();
    for (const wake of this.sleepers) wake();
  }

  private envelope({ type, data }: PendingEvent): WebhookEvent {
    return { id: smileId('et'), version: 1, type, createdAt: this.state.nowIso(), data };
  }

  private enqueue(key: string, task: () => Promise<void>): void {
    const next = (this.queues.get(key) ?? Promise.resolve())
      .then(task)
      .catch((error: unknown) => this.log.error({ err: error }, 'webhook delivery crashed'));
    this.queues.set(key, next);
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  private async deliver(webhook: SandboxWebhook, event: WebhookEvent, body: string, dueAt: number): Promise<void> {
    await this.sleep(dueAt - Date.now());
    const delays = [0, ...this.retryDelaysMs];
    for (const [index, retryDelay] of delays.entries()) {
      await this.sleep(retryDelay);
      if (this.abort.signal.aborted) return;
      const attempt = await this.attempt(webhook, event, body, index + 1);
      this.state.deliveries.push(attempt);
      if (attempt.delivered) return;
    }
    this.log.warn({ eventId: event.id, type: event.type, url: webhook.url }, 'webhook not delivered after retries');
  }

  private async attempt(
    webhook: SandboxWebhook,
    event: WebhookEvent,
    body: string,
    attempt: number,
  ): Promise<DeliveryAttempt> {
    const base = { eventId: event.id, type: event.type, webhookId: webhook.id, attempt };
    if (this.state.faults.failDeliveriesFirstN > 0) {
      this.state.faults.failDeliveriesFirstN -= 1;
      return { ...base, status: null, delivered: false, simulatedFailure: true };
    }
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'smile-signature': smileSignature(webhook.secret, body) },
        body,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(10_000)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { ...base, status: response.status, delivered: response.ok, simulatedFailure: false };
    } catch {
      return { ...base, status: null, delivered: false, simulatedFailure: false };
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
