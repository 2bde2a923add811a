import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.js';
import * as journey from '../support/journeys.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * OpenTelemetry end to end: an in-process OTLP/HTTP receiver takes what the API and the worker
 * export, and one verification is one trace from `POST /v1/verifications` through the workflow,
 * its activities and Smile calls to the result callback, which carries that trace's `traceparent`.
 */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  links?: { traceId: string; spanId: string }[];
}
const spans: OtlpSpan[] = [];
const receiver = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    // OTLP/HTTP with JSON (the exporter's default encoding).
    const { resourceSpans = [] } = JSON.parse(body || '{}') as {
      resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
    };
    for (const resource of resourceSpans)
      for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

let stack: Stack;
let callbacks: CallbackReceiver;
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  callbacks = await startCallbackReceiver();
  stack = await startStack({
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
  });
});
afterAll(async () => {
  await stack?.close();
  await callbacks?.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function until(ok: () => boolean, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!ok() && Date.now() < deadline) await sleep(250);
  return ok();
}

describe('traces', () => {
  it('follow one verification from POST /v1/verifications through the workflow, its activities and Smile calls to the result callback', async () => {
    const started = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('traced'),
      applicant: { fullName: journey.SANDBOX_USERS.george.fullName },
      callbackUrl: callbacks.url,
      policy: { connectTimeout: '30s', dataTimeout: '20s' },
    });
    await journey.connect(stack, started.link.userToken, journey.SANDBOX_USERS.george);
    expect((await journey.waitUntilClosed(stack, started.verificationId)).decision?.outcome).toBe('APPROVED');
    expect(await until(() => callbacks.received.length > 0)).toBe(true);

    // The callback names the trace, and its parent span is one the worker exported.
    const traceparent = String(callbacks.received[0]!.headers.traceparent);
    const [, traceId, parentId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(traceparent) ?? [];
    expect(traceId, traceparent).toBeDefined();
    const root = () => spans.find((span) => span.name === 'POST /v1/verifications' && span.traceId === traceId);
    const names = () => new Set(spans.filter((span) => span.traceId === traceId).map((span) => span.name));
    const expected = [
      'POST /v1/verifications',
      'UpdateWithStartWorkflow:linkToken',
      'RunWorkflow:verificationWorkflow',
      'RunActivity:issueLinkToken',
      'smile POST /users',
      'RunActivity:evaluateVerification',
      'RunWorkflow:resultCallbackWorkflow',
      'RunActivity:deliverResultCallback',
    ];
    expect(
      await until(() => root() !== undefined && expected.every((name) => names().has(name))),
      [...names()].join(', '),
    ).toBe(true);
    expect(root()!.parentSpanId || undefined).toBeUndefined();
    // The Smile calls of the run's activities are in the same trace, under their activity.
    const smileCalls = spans.filter((span) => span.traceId === traceId && span.name.startsWith('smile '));
    expect(smileCalls.length).toBeGreaterThan(0);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    for (const call of smileCalls) expect(byId.get(call.parentSpanId!)?.name).toMatch(/^RunActivity:/);
    // The callback was sent from the delivering activity's span.
    expect(byId.get(parentId!)?.name).toBe('RunActivity:deliverResultCallback');
    // The webhooks Smile sent (traces of their own) were delivered in spans linked to the verification's trace.
    const deliveries = () =>
      spans.filter(
        (span) => span.name === 'webhook delivery to verification' && span.links?.some((l) => l.traceId === traceId),
      );
    expect(await until(() => deliveries().length > 0)).toBe(true);
    expect(deliveries().every((span) => span.traceId !== traceId)).toBe(true);
  });
});
