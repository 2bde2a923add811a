import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Sql } from '../../db/client.js';
import type { NewInboxEvent } from '../../db/inbox.js';
import { storableEvent } from '../../db/json.js';
import { HttpProblem } from '../schemas/problem.js';
import { allowListOf } from './allow-list.js';
import { kycInboxEvent, smileInboxEvent } from '../../db/inbox.js';
import { webhookEnvelopeSchema, kycCallbackSchema } from '../../smile/webhooks.js';
import { createGroupCommit } from './group-commit.js';
import { kycTimestampIsFresh, validKycSignature, validSmileSignature } from '../../smile/signatures.js';
import { createSignaller } from './deliver.js';
import { createSignatureThrottle } from './throttle.js';
import fp from 'fastify-plugin';

export interface WebhookRoutesOptions {
  sql: Sql;
  client: Client;
  smile: {
    webhookSecret: string;
    webhookAllowedIps: string[] | undefined;
    signatureThrottle: { failures: number; blockSeconds: number };
  };
  /** Undefined when KYC is not configured: then /webhooks/smile-id is not served. */
  smileId: { partnerId: string; apiKey: string } | undefined;
}

const TEN_MB = 10 * 1024 * 1024;
const ONE_AND_A_HALF_MB = 1.5 * 1024 * 1024;

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'Invalid body', 'The body is not JSON.');
  }
}

/**
 * Webhooks in: authenticate, parse once, commit to the inbox, answer,
 * signal. The event is in Postgres before the 200; the signal follows the answer
 * (the signaller, best effort and bounded) and is guaranteed by the relay. No
 * bearer key: the signature authenticates. No security headers either: the
 * caller is Smile's server, never a browser, and the answer is a two-field JSON.
 */
const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, { sql, client, smile, smileId }) => {
  // Scoped to this plugin: the signature needs the exact bytes Smile signed.
  app.removeAllContentTypeParsers(); // anything but JSON → 415
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: TEN_MB }, (_request, body, done) =>
    done(null, body),
  );
  const rawBody = (request: FastifyRequest) => request.body as Buffer;

  const count = (source: string, type: string, outcome: string) =>
    app.metrics.webhooks.inc({ source, type: type.slice(0, 64), outcome });

  const inbox = createGroupCommit({ sql });
  const signaller = createSignaller({ sql, client });
  app.addHook('onClose', async () => {
    await inbox.drain();
    await signaller.drain();
  });

  /**
   * Commits the event (with its signed bytes, and whatever else arrived meanwhile),
   * answers whether it was new, then offers it to the signaller unless the insert
   * settled it (a progress event, routed as it was stored).
   */
  async function store(event: NewInboxEvent, body: unknown, raw: Buffer) {
    // When the run's admission reads it, an event must not look newer than it is: the time is taken before the insert.
    const receivedAt = new Date();
    const stored = await inbox.insert(event, body, raw);
    count(event.source, event.type, stored === 'duplicate' ? 'duplicate' : 'accepted');
    if (stored === 'pending') signaller.offer({ ...storableEvent(event), receivedAt });
    return { received: true, duplicate: stored === 'duplicate' };
  }

  const reject = (reason: string, problem: HttpProblem) => {
    count('smile', 'unknown', `rejected_${reason}`);
    return problem;
  };
  const allowed = smile.webhookAllowedIps && allowListOf(smile.webhookAllowedIps);
  // Addresses on the allow-list are Smile's: they are never throttled.
  const throttle = createSignatureThrottle(smile.signatureThrottle);
  const throttled = (source: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (allowed?.(request.ip)) return;
    const seconds = throttle.blockedFor(request.ip);
    if (seconds === 0) return;
    count(source, 'unknown', 'rejected_throttled');
    void reply.header('retry-after', String(seconds));
    throw new HttpProblem(429, 'Too many requests', 'Too many webhooks with a wrong signature from this address.');
  };
  /** A signature check's outcome, counted per source address. */
  const signatureChecked = (request: FastifyRequest, valid: boolean) =>
    valid ? throttle.succeeded(request.ip) : throttle.failed(request.ip);
  /** Before the body is read: a refused or throttled address costs no buffering and no HMAC. */
  const checkSource = async (request: FastifyRequest, reply: FastifyReply) => {
    if (allowed && !allowed(request.ip))
      throw reject('ip', new HttpProblem(403, 'Forbidden', 'This source address may not deliver webhooks.'));
    await throttled('smile')(request, reply);
  };

  app.post(
    '/webhooks/smile',
    { bodyLimit: TEN_MB, onRequest: checkSource, schema: { hide: true }, helmet: false },
    async (request) => {
      const valid = validSmileSignature(
        rawBody(request),
        request.headers['smile-signature'] as string | undefined,
        smile.webhookSecret,
      );
      signatureChecked(request, valid);
      if (!valid) {
        throw reject(
          'signature',
          new HttpProblem(401, 'Invalid signature', 'Smile-Signature is missing or does not match the body.'),
        );
      }
      let json: unknown;
      try {
        json = parseJson(rawBody(request));
      } catch (error) {
        throw reject('json', error as HttpProblem);
      }
      const envelope = webhookEnvelopeSchema.safeParse(json);
      if (!envelope.success)
        throw reject(
          'envelope',
          new HttpProblem(400, 'Invalid envelope', 'Expected { id, version, type, createdAt, data }.'),
        );
      return store(smileInboxEvent(envelope.data), envelope.data, rawBody(request));
    },
  );

  // Served only where KYC is configured: elsewhere no signature could be checked.
  if (smileId) {
    const { partnerId, apiKey } = smileId;
    const options = {
      bodyLimit: ONE_AND_A_HALF_MB,
      onRequest: throttled('smile-id'),
      schema: { hide: true },
      helmet: false as const,
    };
    app.post('/webhooks/smile-id', options, async (request) => {
      const callback = kycCallbackSchema.safeParse(parseJson(rawBody(request)));
      if (!callback.success)
        throw new HttpProblem(
          400,
          'Invalid callback',
          'Expected signature, timestamp, ResultCode and PartnerParams.job_id.',
        );
      const valid = validKycSignature(callback.data, partnerId, apiKey);
      signatureChecked(request, valid);
      if (!valid) {
        count('smile-id', 'KYC_RESULT', 'rejected_signature');
        throw new HttpProblem(401, 'Invalid signature', 'The callback signature does not match.');
      }
      // The signature covers only the timestamp: an old pair replayed is refused by its age.
      if (!kycTimestampIsFresh(callback.data.timestamp)) {
        count('smile-id', 'KYC_RESULT', 'rejected_timestamp');
        throw new HttpProblem(401, 'Invalid signature', 'The callback timestamp is more than 5 minutes from now.');
      }
      return store(kycInboxEvent(callback.data), callback.data, rawBody(request));
    });
  }
};

export default fp(webhookRoutes, { name: 'webhook-routes', dependencies: ['metrics'], encapsulate: true });
