import { isIP } from 'node:net';
import { z } from 'zod';

/** Every environment variable the service reads, with its dev default; `loadConfig` shapes them. */

/** The dev AES-256-GCM key: fine on a laptop, printed as such, refused in production. */
export const DEV_PAYLOAD_ENCRYPTION_KEY = 'c21pbGUtdmVyaWZ5LWRldi1wYXlsb2FkLWtleS0zMmI=';
/** The dev key's secret (the `Bearer` value); the key itself is `dev:dev-api-key`. */
export const DEV_API_KEY = 'dev-api-key';

/** What a key may do; `*` in `API_KEYS` grants all of them. */
export const API_SCOPES = [
  'verifications.write',
  'verifications.read',
  'reviews.write',
  'data.erase',
  'codec',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

const port = z.coerce.number().int().min(0).max(65_535);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

const SCOPE_NAMES: readonly string[] = API_SCOPES;

/** What is wrong with one `API_KEYS` entry, if anything. */
function keyEntryProblem(parts: string[], name: string, secret: string, scopes: string[]): string | undefined {
  if (parts.length > 3) return 'each key is name:secret or name:secret:scope+scope';
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) return 'a key name is 1-64 characters of [A-Za-z0-9._-]';
  if (secret.length < 8) return 'each key needs a secret of at least 8 characters';
  const unknown = scopes.find((scope) => scope !== '*' && !SCOPE_NAMES.includes(scope));
  return unknown === undefined ? undefined : `unknown scope "${unknown}" (known: ${API_SCOPES.join(', ')}, *)`;
}

/** One `API_KEYS` entry: `name:secret`, `name:secret:scope+scope`, or a bare `secret` (the key `default`). */
const apiKeyEntry = z.string().transform((entry, context) => {
  const parts = entry.split(':');
  const [name, secret, scopeList] =
    parts.length === 1 ? ['default', parts[0]!, '*'] : [parts[0]!, parts[1] ?? '', parts[2] ?? '*'];
  const scopes = scopeList.split('+');
  const problem = keyEntryProblem(parts, name, secret, scopes);
  if (problem) {
    context.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return { name, secret, scopes: scopes.includes('*') ? API_SCOPES : (scopes as ApiScope[]) };
});

export const envSchema = z.object({
  /** Production unless a launcher says otherwise (`npm run dev`, the tests and the benchmarks set their mode). */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where Smile ID and browsers reach this API (the KYC callback URL is built from it). */
  PUBLIC_URL: httpUrl.optional(),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1_200),
  /** A name may repeat: two secrets of one client while it rotates them share its name (and its rate limit). */
  API_KEYS: list.pipe(z.array(apiKeyEntry).min(1)).default([{ name: 'dev', secret: DEV_API_KEY, scopes: API_SCOPES }]),
  /** Requests per minute per client address on /v1 without a valid key, and on /metrics and /readyz. */
  API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /** Load shedding (503) above these: the V8 heap in use, and the process's resident memory. */
  API_MAX_HEAP_USED_MB: z.coerce.number().int().min(16).optional(),
  API_MAX_RSS_MB: z.coerce.number().int().min(32).optional(),
  /** Load shedding (503) while the event loop is this far behind. */
  API_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(10).default(1_000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('verifications'),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Remote clusters: TLS is on when any TLS variable or an API key is set (Temporal Cloud needs both off or on). */
  TEMPORAL_TLS: z.stringbool().optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** A Temporal Cloud API key (sent as a bearer token over TLS). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** The worker's Prometheus endpoint (Temporal runtime metrics); 0 turns it off. */
  WORKER_METRICS_PORT: port.default(9464),
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Workflows kept in the worker's sticky cache: each costs about half a megabyte; evicted ones replay on their next task. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(300),
  /** Personal data of verifications closed longer ago than this is purged by the daily retention Schedule. */
  /** OpenTelemetry traces over OTLP/HTTP to this endpoint (`<endpoint>/v1/traces`); unset: off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  DATA_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(180),
  /** How long a stopping worker lets running activities finish before cancelling them. */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
  /** The prebuilt workflow bundle (`npm run build:workflows`); without it the worker bundles from source. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  /** `GET /demo`: on in development and test; never in production. */
  DEMO_ENABLED: z.stringbool().optional(),
  /** The Wink SDK the demo loads; defaults to the sandbox's copy, or Smile's real one for a smileapi.io API URL. */
  SMILE_WIDGET_SCRIPT_URL: httpUrl.optional(),
  SMILE_API_URL: httpUrl.default('http://127.0.0.1:3100/v1'),
  SMILE_API_KEY: z.string().min(1).default('sandbox-key'),
  SMILE_API_SECRET: z.string().min(1).default('sandbox-secret'),
  SMILE_WEBHOOK_SECRET: z.string().min(1).default('sandbox-webhook-secret'),
  /** Smile API requests per second for the whole deployment, shared by every worker (Smile's limit is 20). */
  SMILE_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(10_000).default(20),
  /** Addresses or CIDRs (`18.142.61.230`, `10.0.0.0/8`, `2001:db8::/32`) that may deliver Smile webhooks. */
  SMILE_WEBHOOK_ALLOWED_IPS: list
    .pipe(z.array(z.string().refine(isAddressOrCidr, 'each entry is an IP address or a CIDR (10.0.0.0/8)')))
    .optional(),
  /** Wrong webhook signatures in a row from one source address before it is answered 429 unread. */
  SMILE_WEBHOOK_SIGNATURE_FAILURES: z.coerce.number().int().min(1).default(20),
  /** How long such an address is answered 429. */
  SMILE_WEBHOOK_SIGNATURE_BLOCK_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Proxies in front of the API whose X-Forwarded-For is believed (addresses or CIDRs), for the allow-list. */
  TRUSTED_PROXIES: list.optional(),
  RESULT_CALLBACK_URL: httpUrl.optional(),
  RESULT_CALLBACK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be a Standard Webhooks secret (whsec_…)')
    .default('whsec_ZGV2LXJlc3VsdC1jYWxsYmFjay1zZWNyZXQ='),
  /** Result callbacks to loopback and private addresses: default on in development and test only. */
  RESULT_CALLBACK_ALLOW_PRIVATE_NETWORKS: z.stringbool().optional(),
  /** The Smile invite template of `invite`; outside production the sandbox's `tpl-sandbox` when unset. */
  SMILE_INVITE_TEMPLATE_ID: z.string().min(1).max(64).optional(),
  SMILE_ID_URL: httpUrl.default('http://127.0.0.1:3100/smile-id/v1'),
  SMILE_ID_PARTNER_ID: z.string().min(1).default('sandbox-partner'),
  SMILE_ID_API_KEY: z.string().min(1).default('sandbox-smile-id-key'),
  PAYLOAD_ENCRYPTION_KEY: z
    .base64('must be base64')
    .refine((key) => Buffer.from(key, 'base64').length === 32, 'must decode to 32 bytes (AES-256)')
    .default(DEV_PAYLOAD_ENCRYPTION_KEY),
  /** Retired keys (comma-separated base64) still able to decrypt older history after a rotation. */
  PAYLOAD_ENCRYPTION_RETIRED_KEYS: list.optional(),
  SANDBOX_PORT: port.default(3100),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
});

export type Env = z.infer<typeof envSchema>;
