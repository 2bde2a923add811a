import type { FastifyPluginAsync } from 'fastify';
import { DEV_API_KEY, type Config } from '../../config/index.js';
import { demoPage } from '../demo/page.js';
import { SANDBOX_USERS } from '../../sandbox/users.js';

/** `GET /demo`: the onboarding page, only where `config.demo.enabled` (dev and sandbox, SPEC §3). */
const demoRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const html = demoPage({
    widgetScriptUrl: config.demo.widgetScriptUrl,
    linkApiHost: config.demo.linkApiHost,
    apiKey: config.api.keys.includes(DEV_API_KEY) ? DEV_API_KEY : '',
    // George matches his provider's identity, so the default demo ends APPROVED.
    applicant: { fullName: config.env === 'production' ? '' : SANDBOX_USERS.george.fullName },
  });
  app.get('/demo', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(html),
  );
};

export default demoRoutes;
