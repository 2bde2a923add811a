import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKey, ApiScope } from '../../config/index.js';
import { HttpProblem } from '../schemas/problem.js';
import {
  issueWidgetToken,
  looksLikeWidgetToken,
  readWidgetToken,
  type WidgetClaims,
} from '../services/widget-token.js';

/** Who sent a request: a named key with its scopes, a verification's widget token, or nobody known. */
export type Caller =
  | { kind: 'key'; name: string; scopes: readonly ApiScope[] }
  | { kind: 'widget'; verificationId: string; runId: string }
  | { kind: 'anonymous' };

/** What a route needs: a scope, and whether its own verification's widget token also serves. */
export interface RouteAuth {
  scope: ApiScope;
  widget?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyInstance {
    /** onRequest: who is calling (never rejects); logs carry the key's name from here on. */
    identify(request: FastifyRequest, reply?: FastifyReply): Promise<void>;
    /** onRequest: 401 without a valid credential, 403 without the route's declared scope (or with none declared). */
    authorize(request: FastifyRequest): Promise<void>;
    issueWidgetToken(claims: Omit<WidgetClaims, 'expiresAt'>): { token: string; expiresAt: string };
  }
}

// Comparing fixed-length digests keeps the comparison constant-time whatever the key length.
const digest = (value: string) => createHash('sha256').update(value).digest();
const bearerOf = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];

/** The key whose secret the header presents, checking every key (no early exit). */
export function keyOfHeader<K extends { digest: Buffer }>(header: string | undefined, keys: K[]): K | undefined {
  const secret = bearerOf(header);
  if (secret === undefined) return undefined;
  const presented = digest(secret);
  let found: K | undefined;
  for (const key of keys) if (timingSafeEqual(presented, key.digest) && !found) found = key;
  return found;
}

const unauthorized = () =>
  new HttpProblem(401, 'Unauthorized', 'A valid API key is required: Authorization: Bearer <key>.');

/** Whether the caller may use a route that declared `auth` for the verification `id` in its path. */
export function authorizationProblem(
  caller: Caller,
  auth: RouteAuth | undefined,
  id: unknown,
): HttpProblem | undefined {
  if (caller.kind === 'anonymous') return unauthorized();
  if (caller.kind === 'widget') {
    if (!auth?.widget) return unauthorized();
    return caller.verificationId === id
      ? undefined
      : new HttpProblem(403, 'Forbidden', 'This widget token belongs to another verification.');
  }
  if (!auth) return new HttpProblem(403, 'Forbidden', 'This route declares no scope, so no key may use it.');
  return caller.scopes.includes(auth.scope)
    ? undefined
    : new HttpProblem(403, 'Forbidden', `Key ${caller.name} lacks the scope ${auth.scope}.`);
}

/** Named, scoped bearer keys and widget tokens. */
export default fp(
  async function auth(app: FastifyInstance, { keys, widgetTokenKey }: { keys: ApiKey[]; widgetTokenKey: Buffer }) {
    const known = keys.map((key) => ({ name: key.name, scopes: key.scopes, digest: digest(key.secret) }));
    app.decorateRequest('caller');
    app.decorate('identify', async (request: FastifyRequest, reply?: FastifyReply) => {
      request.caller = { kind: 'anonymous' };
      const bearer = bearerOf(request.headers.authorization);
      if (bearer === undefined) return;
      if (looksLikeWidgetToken(bearer)) {
        const claims = readWidgetToken(widgetTokenKey, bearer);
        if (claims) request.caller = { kind: 'widget', verificationId: claims.verificationId, runId: claims.runId };
        return;
      }
      const key = keyOfHeader(request.headers.authorization, known);
      if (!key) return;
      request.caller = { kind: 'key', name: key.name, scopes: key.scopes };
      // Every later line of this request, the access log's included, names the key (never its secret).
      request.log = request.log.child({ keyName: key.name });
      if (reply) reply.log = request.log;
    });
    app.decorate('authorize', async (request: FastifyRequest) => {
      if (!request.caller) await app.identify(request);
      const problem = authorizationProblem(
        request.caller,
        request.routeOptions.config.auth,
        (request.params as Record<string, unknown> | undefined)?.id,
      );
      if (problem) throw problem;
    });
    app.decorate('issueWidgetToken', (claims: Omit<WidgetClaims, 'expiresAt'>) =>
      issueWidgetToken(widgetTokenKey, claims),
    );
  },
  { name: 'auth' },
);

/** The name of the key behind a request, for audit rows (never the secret). */
export function keyNameOf(request: FastifyRequest): string {
  const caller = request.caller;
  if (caller?.kind === 'key') return caller.name;
  return caller?.kind === 'widget' ? `widget:${caller.verificationId}` : 'anonymous';
}
