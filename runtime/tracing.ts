import { createRequire } from 'node:module';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Link, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config/index.js';

/**
 * OpenTelemetry traces, off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set: then each process exports
 * its spans over OTLP/HTTP (`<endpoint>/v1/traces`). One verification is one trace: the API's
 * `POST /v1/verifications` span, the Temporal client's start (its context travels in the workflow's
 * headers), the workflow's spans (made in the sandbox, exported through a sink), each activity, each
 * Smile call, and the result callback, which carries `traceparent`. Webhook intake spans are traces
 * of their own with a link to the verification's. Off, the API is a no-op, nothing is exported,
 * and the workflows run without OpenTelemetry's interceptors: in the sandbox they cost about a
 * megabyte per cached workflow (300 cached ran the worker's 256 MB heap out), so they are in the
 * workflow code only while tracing is on (`tracedBundlePath`).
 */
const require = createRequire(import.meta.url);
/** The workflow interceptors, bundled into the workflow code when tracing is on. */
export const WORKFLOW_INTERCEPTOR_MODULES = [
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

/** The prebuilt bundle with the workflow interceptors in, beside the plain one (`npm run build:workflows` writes both). */
export const tracedBundlePath = (bundlePath: string): string => bundlePath.replace(/(\.js)?$/, '.traced.js');

export interface Tracing {
  enabled: boolean;
  shutdown(): Promise<void>;
  /** What the worker adds to its options: activity interceptors and the workflow spans' exporter sink. */
  workerOptions(): Pick<WorkerOptions, 'interceptors' | 'sinks'>;
}

let current: { provider: NodeTracerProvider; processor: SpanProcessor; resource: Resource } | undefined;

/** Starts the process's tracer provider when an endpoint is configured (once per process). */
export function startTracing(config: Pick<Config, 'tracing'>, serviceName: string): Tracing {
  const endpoint = config.tracing.endpoint;
  if (endpoint && !current) {
    const resource = new Resource({ 'service.name': serviceName });
    const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
    const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 });
    const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
    provider.register();
    current = { provider, processor, resource };
  }
  const active = endpoint ? current : undefined;
  return {
    enabled: active !== undefined,
    async shutdown() {
      await active?.provider.forceFlush();
    },
    workerOptions() {
      return {
        interceptors: {
          activity: [
            (ctx) => ({
              inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
              outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
            }),
          ],
        },
        // The workflow interceptors call this sink; off, it drops what they send.
        sinks: {
          exporter: active
            ? makeWorkflowExporter(active.processor, active.resource)
            : { export: { fn: () => undefined, callDuringReplay: false } },
        },
      };
    },
  };
}

/** Whether this process exports traces (the only case worth looking up a trace to link to). */
export const tracingEnabled = () => current !== undefined;

/** The Temporal client's interceptors: its calls carry the active trace into workflow headers. */
export const clientInterceptors = () => ({ workflow: [new OpenTelemetryWorkflowClientInterceptor()] });

const tracer = () => trace.getTracer('smile-verify');

/** Runs `fn` in a new active span, ended (with the error recorded) when it settles. */
export function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Record<string, string | number>; links?: Link[] },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The active trace as W3C headers (`traceparent`), for an outgoing request; empty when tracing is off. */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The active span's `traceparent`, to store with what it started, so later spans can link to it. */
export const activeTraceparent = (): string | undefined => traceHeaders().traceparent;

/** A link to the trace a stored `traceparent` names. */
export function linkTo(traceparent: string | undefined): Link[] {
  if (!traceparent) return [];
  const spanContext = trace.getSpanContext(propagation.extract(context.active(), { traceparent }));
  return spanContext ? [{ context: spanContext }] : [];
}

export { SpanKind };
