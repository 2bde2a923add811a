import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ZodError } from 'zod';
import { fail, SandboxError } from './envelope.js';
import { indexPage } from './index-page.js';
import { KycService } from './kyc/jobs.js';
import kycRoutes from './kyc/routes.js';
import accountRoutes from './routes/accounts.js';
import archiveRoutes from './routes/archives.js';
import controlRoutes from './routes/control.js';
import datapointRoutes from './routes/datapoints.js';
import inviteRoutes from './routes/invites.js';
import userRoutes from './routes/users.js';
import webhookRoutes from './routes/webhooks.js';
import { SandboxState } from './state.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import winkRoutes from './wink/routes.js';

export interface SandboxOptions {
  /** Basic auth of `/v1` (Smile's client id and secret). */
  apiKey: string;
  apiSecret: string;
  state?: SandboxState;
  logger?: FastifyServerOptions['logger'];
  /** Signs `Smile-Signature` for webhooks registered without their own `secret` (default 'sandbox-webhook-secret'). */
  webhookSecret?: string;
  /** Smile ID credentials: requests and callbacks are signed with them. */
  smileIdPartnerId?: string;
  smileIdApiKey?: string;
  /** Delays before the two retries of a failed webhook delivery (default 5 s, 10 s). */
  webhookRetryDelaysMs?: readonly number[];
  /** How long a KYC job takes before it completes and its callback is sent (default 1 s). */
  kycCallbackDelayMs?: number;
  /** The sandbox's clock: tokens and the users' data dates follow it. */
  now?: () => Date;
}

export const SANDBOX_DEFAULTS = {
  webhookSecret: 'sandbox-webhook-secret',
  smileIdPartnerId: 'sandbox-partner',
  smileIdApiKey: 'sandbox-smile-id-key',
  webhookRetryDelaysMs: [5_000, 10_000],
  kycCallbackDelayMs: 1_000,
} as const;

function basicAuthMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const presented = Buffer.from(match[1]!, 'base64');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** The local Smile API, Wink widget and Smile ID: Smile's shapes, envelope and Basic auth, no internet. */
export async function buildSandbox(options: SandboxOptions) {
  const { apiKey, apiSecret, logger = false } = options;
  const settings = { ...SANDBOX_DEFAULTS, ...definedOnly(options) };
  const state = options.state ?? new SandboxState(options.now);
  if (options.now) state.now = options.now;
  // Typed without the factory's PromiseLike, so that `await buildSandbox()` keeps the extras below.
  const app: FastifyInstance = Fastify({ logger, bodyLimit: 2 * 1024 * 1024 });
  const dispatcher = new WebhookDispatcher(state, settings.webhookRetryDelaysMs, app.log);
  const kyc = new KycService(
    state,
    { partnerId: settings.smileIdPartnerId, apiKey: settings.smileIdApiKey },
    settings.kycCallbackDelayMs,
    app.log,
  );
  const credentials = Buffer.from(`${apiKey}:${apiSecret}`);

  app.addHook('onClose', async () => {
    dispatcher.close();
    kyc.close();
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof SandboxError) return fail(reply, error.code, error.message);
    if (error instanceof ZodError)
      return fail(
        reply,
        'INVALID_PARAMETERS',
        error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    if ((error.statusCode ?? 500) < 500) return fail(reply, 'INVALID_PARAMETERS', error.message);
    request.log.error({ err: error }, 'sandbox error');
    return fail(reply, 'SERVER_ERROR', 'Internal error');
  });

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(
      indexPage({
        apiKey,
        apiSecret,
        webhookSecret: settings.webhookSecret,
        smileIdPartnerId: settings.smileIdPartnerId,
      }),
    ),
  );

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', async (request, reply) => {
        if (!basicAuthMatches(request.headers.authorization, credentials)) {
          return fail(reply, 'INVALID_CREDENTIALS', 'Invalid API key or secret');
        }
        // What Smile's rate limiter would count (GET /sandbox/v1/requests).
        const { userId } = request.query as { userId?: unknown };
        state.requests.push({
          at: Date.now(),
          method: request.method,
          path: request.url.split('?')[0]!,
          ...(typeof userId === 'string' ? { userId } : {}),
        });
        if (state.requests.length > 10_000) state.requests.shift();
      });
      v1.setNotFoundHandler((_request, reply) => fail(reply, 'MISSING_RESOURCE', 'Resource not found'));
      await v1.register(userRoutes, { state, dispatcher });
      await v1.register(accountRoutes, { state, dispatcher });
      await v1.register(datapointRoutes, { state });
      await v1.register(inviteRoutes, { state, dispatcher });
      await v1.register(archiveRoutes, { state });
      await v1.register(webhookRoutes, { state, webhookSecret: settings.webhookSecret });
    },
    { prefix: '/v1' },
  );
  await app.register(controlRoutes, { prefix: '/sandbox/v1', state, dispatcher });
  await app.register(winkRoutes, { state, dispatcher });
  await app.register(kycRoutes, {
    prefix: '/smile-id/v1',
    kyc,
    partnerId: settings.smileIdPartnerId,
    apiKey: settings.smileIdApiKey,
  });
  return Object.assign(app, { sandboxState: state, sandboxWebhooks: dispatcher });
}

export type Sandbox = Awaited<ReturnType<typeof buildSandbox>>;

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
