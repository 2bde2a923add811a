-- The W3C traceparent of the trace a verification runs in (OpenTelemetry, when tracing is on), so the
-- spans of webhooks delivered to it later can link to that trace. Null when tracing is off.
alter table verifications add column trace_parent text;
