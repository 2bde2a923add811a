import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/index.js';

/** The rate-limit bucket of a request: the verified key's name, the widget token's verification, else the address. */
export function rateLimitKey(request: FastifyRequest): string {
  const caller = request.caller;
  if (caller?.kind === 'key') return `key:${caller.name}`;
  if (caller?.kind === 'widget') return `widget:${caller.verificationId}`;
  return `ip:${request.ip}`;
}

/**
 * Security headers; rate limits for the routes that opt in (/v1, /metrics,
 * /readyz, /codec, the demo): per verified key, and per address for everyone
 * else, so neither a missing nor a made-up key escapes the limit. The webhook
 * routes are not limited here (Smile must always get through): their allow-list
 * comes first, and an address that keeps failing the signature check is answered
 * 429 unread (api/inbox/throttle.ts). Load shedding with 503 when the event loop falls
 * behind, or the heap or resident memory pass their limits.
 */
export default fp(
  async function hardening(app: FastifyInstance, { api }: { api: Config['api'] }) {
    // The /docs page needs inline scripts and styles; the API serves JSON otherwise.
    await app.register(helmet, { contentSecurityPolicy: false });
    await app.register(rateLimit, {
      global: false,
      max: (request) => (request.caller?.kind === 'key' ? api.rateLimitPerMinute : api.anonymousRateLimitPerMinute),
      timeWindow: '1 minute',
      keyGenerator: rateLimitKey,
    });
    await app.register(underPressure, {
      maxEventLoopDelay: api.pressure.maxEventLoopDelayMs,
      maxHeapUsedBytes: api.pressure.maxHeapUsedBytes,
      maxRssBytes: api.pressure.maxRssBytes,
      retryAfter: 5,
      pressureHandler: (_request, reply) => {
        void reply.code(503).type('application/problem+json').header('retry-after', '5').send({
          type: 'about:blank',
          title: 'Service unavailable',
          status: 503,
          detail: 'The service is overloaded; retry later.',
        });
      },
    });
  },
  { name: 'hardening' },
);
