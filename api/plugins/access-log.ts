import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * One log line per request, written when it is answered (Fastify's own two lines
 * per request are off). A webhook answered 2xx is logged at debug: at thousands
 * a second the counters on /metrics say it better, and the log keeps its errors.
 */
export default fp(
  async function accessLog(app: FastifyInstance) {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unknown';
      const fields = {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      };
      if (reply.statusCode < 300 && route.startsWith('/webhooks/')) request.log.debug(fields, 'request');
      else request.log.info(fields, 'request');
    });
  },
  { name: 'access-log' },
);
