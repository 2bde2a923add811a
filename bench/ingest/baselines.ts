import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import { createSql, dropDatabase, ensureDatabase } from '../../db/client.js';
import { insertEvents } from '../../db/inbox.js';
import { migrate } from '../../db/migrate.js';
import { createGroupCommit } from '../../api/webhooks/group-commit.js';
import { smileInboxEvent } from '../../db/inbox.js';
import { type WebhookEnvelope } from '../../smile/webhooks.js';

/** The bare servers' Postgres pool: the API's size. */
const POOL_SIZE = 10;

export interface Baselines {
  /** Checks the hex HMAC-SHA512 of the raw body, answers 200. */
  hmacUrl: string;
  /** HMAC, then one `insert … on conflict do nothing` of the event's inbox row per request. */
  insertUrl: string;
  /** HMAC, then the inbox's group commit: concurrent requests share one multi-row insert. */
  groupCommitUrl: string;
  close(): Promise<void>;
}

const validHmac = (secret: string, body: Buffer, header: unknown) => {
  const given = Buffer.from(typeof header === 'string' ? header : '', 'hex');
  const expected = createHmac('sha512', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/**
 * The least a durable webhook receiver does, in three steps, on bare Fastify
 * routes (no logging, no schema, no metrics). The inserts write the repository's
 * `inbox_events` row, the same row as ours, into a database of their own on the
 * same server (migrated like ours), so no relay ever picks them up.
 */
export async function startBaselines(serverUrl: string, secret: string): Promise<Baselines> {
  const url = new URL(serverUrl);
  url.pathname = `/smile_verify_bench_baseline_${randomBytes(4).toString('hex')}`;
  const dbUrl = url.toString();
  await ensureDatabase(dbUrl);
  const sql = createSql(dbUrl, { max: POOL_SIZE, application: 'smile-verify-bench-baseline' });
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  const close = async () => {
    await app.close();
    await sql.end({ timeout: 1 });
    await dropDatabase(dbUrl);
  };
  try {
    await migrate(sql);
    const groupCommit = createGroupCommit({ sql });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    /** A route that answers 401 to a bad signature, else what `then` makes of the parsed envelope. */
    const route = (path: string, then: (envelope: WebhookEnvelope) => Promise<boolean>) =>
      app.post(path, async (request, reply) => {
        const raw = request.body as Buffer;
        if (!validHmac(secret, raw, request.headers['smile-signature'])) return reply.code(401).send();
        const duplicate = await then(JSON.parse(raw.toString('utf8')) as WebhookEnvelope);
        return reply.code(200).send({ received: true, duplicate });
      });
    app.post('/hmac', async (request, reply) => {
      const ok = validHmac(secret, request.body as Buffer, request.headers['smile-signature']);
      return ok ? reply.code(200).send({ received: true }) : reply.code(401).send();
    });
    route('/insert', async (envelope) => {
      const event = smileInboxEvent(envelope);
      return !(await insertEvents(sql, [{ event, body: envelope }])).has(event.id);
    });
    route(
      '/group-commit',
      async (envelope) => (await groupCommit.insert(smileInboxEvent(envelope), envelope)) === 'duplicate',
    );
    app.addHook('onClose', () => groupCommit.drain());
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return { hmacUrl: `${base}/hmac`, insertUrl: `${base}/insert`, groupCommitUrl: `${base}/group-commit`, close };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}
