import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey, ApiScope, Config } from '../../config/index.js';
import { demoPage } from '../demo/page.js';
import { SANDBOX_USERS } from '../../sandbox/users.js';
import { HttpProblem } from '../schemas/problem.js';

const DEMO_SCOPES: ApiScope[] = ['verifications.write', 'verifications.read'];

/** The server's own key the demo acts with: the first that may start and read verifications. */
export const demoKeyOf = (keys: ApiKey[]) => keys.find((key) => DEMO_SCOPES.every((s) => key.scopes.includes(s)));

/** The demo page's reviewer: its Approve / Decline buttons review as the server (the audit row names the key). */
const DEMO_REVIEWER = 'demo';

/**
 * `GET /demo` and its back end, only where `config.demo.enabled`
 * (development and test; never production). The page holds no API key: these
 * routes act with the server's own key, the start for anyone (rate-limited by
 * address), the rest only for the holder of that verification's widget token;
 * the page sends widget callbacks to /v1 with the widget token itself.
 */
const demoRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const html = demoPage({
    widgetScriptUrl: config.demo.widgetScriptUrl,
    linkApiHost: config.demo.linkApiHost,
    // George matches his provider's identity, so the default demo ends APPROVED.
    applicant: { fullName: SANDBOX_USERS.george.fullName },
  });
  const key = demoKeyOf(config.api.keys);
  const reviewKey = config.api.keys.find((k) => k.scopes.includes('reviews.write'));

  /** Forwards to the public API with the server's key, answering exactly what it answered. */
  async function asServer(
    request: FastifyRequest,
    reply: FastifyReply,
    method: 'GET' | 'POST',
    url: string,
    { payload = request.body as object | undefined, as = key, scopes = DEMO_SCOPES } = {},
  ) {
    if (!as) throw new HttpProblem(503, 'Demo unavailable', `No key in API_KEYS has ${scopes.join(' and ')}.`);
    const accept = request.headers.accept;
    const response = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${as.secret}`, 'x-request-id': request.id, ...(accept ? { accept } : {}) },
      ...(method === 'POST' ? { payload: payload ?? {} } : {}),
    });
    return reply
      .code(response.statusCode)
      .type(String(response.headers['content-type'] ?? 'application/json'))
      .send(response.rawPayload);
  }

  /** The verification routes below need that verification's widget token. */
  async function requireWidgetToken(request: FastifyRequest) {
    await app.identify(request);
    const { id } = request.params as { id: string };
    if (request.caller.kind !== 'widget' || request.caller.verificationId !== id)
      throw new HttpProblem(401, 'Unauthorized', "This verification's widget token is required.");
  }

  app.addHook('onRequest', app.rateLimit());
  app.get('/demo', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(html),
  );
  app.post('/demo/verifications', { schema: { hide: true } }, (request, reply) =>
    asServer(request, reply, 'POST', '/v1/verifications'),
  );
  const one = (id: string) => `/v1/verifications/${encodeURIComponent(id)}`;
  const withToken = { onRequest: requireWidgetToken, schema: { hide: true } };
  app.get<{ Params: { id: string } }>('/demo/verifications/:id', withToken, (request, reply) =>
    asServer(request, reply, 'GET', one(request.params.id)),
  );
  app.get<{ Params: { id: string } }>('/demo/verifications/:id/report', withToken, (request, reply) =>
    asServer(request, reply, 'GET', `${one(request.params.id)}/report`),
  );
  // Only the outcome comes from the page; the reviewer is the demo, and /v1 validates the rest.
  app.post<{ Params: { id: string }; Body: { outcome?: unknown } }>(
    '/demo/verifications/:id/review',
    withToken,
    (request, reply) =>
      asServer(request, reply, 'POST', `${one(request.params.id)}/review`, {
        payload: { outcome: request.body?.outcome, reviewer: DEMO_REVIEWER },
        as: reviewKey,
        scopes: ['reviews.write'],
      }),
  );
  for (const action of ['link-token', 'cancel'] as const) {
    app.post<{ Params: { id: string } }>(`/demo/verifications/:id/${action}`, withToken, (request, reply) =>
      asServer(request, reply, 'POST', `${one(request.params.id)}/${action}`),
    );
  }
};

export default demoRoutes;
