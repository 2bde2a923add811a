import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Security headers, a per-key rate limit on /v1 (webhooks are not limited:
 * Smile must always get through), and load shedding with 503 when the event
 * loop falls behind.
 */
export default fp(
  async function hardening(app: FastifyInstance, { rateLimitPerMinute = 1_200 }: { rateLimitPerMinute?: number }) {
    // The /docs page needs inline scripts and styles; the API serves JSON otherwise.
    await app.register(helmet, { contentSecurityPolicy: false });
    await app.register(rateLimit, {
      global: false,
      max: rateLimitPerMinute,
      timeWindow: '1 minute',
      keyGenerator: (request) => request.headers.authorization ?? request.ip,
    });
    await app.register(underPressure, {
      maxEventLoopDelay: 1_000,
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
