import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { fail } from './envelope.js';
import { indexPage } from './index-page.js';
import userRoutes from './routes/users.js';
import { SandboxState } from './state.js';

export interface SandboxOptions {
  apiKey: string;
  apiSecret: string;
  state?: SandboxState;
  logger?: FastifyServerOptions['logger'];
}

function basicAuthMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const presented = Buffer.from(match[1]!, 'base64');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** The local Smile API (SPEC §8): Smile's shapes, envelope and Basic auth, no internet. */
export async function buildSandbox({ apiKey, apiSecret, state = new SandboxState(), logger = false }: SandboxOptions) {
  const app = Fastify({ logger });
  const credentials = Buffer.from(`${apiKey}:${apiSecret}`);

  app.get('/', async (_request, reply) => reply.type('text/html').send(indexPage({ apiKey, apiSecret })));

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', async (request, reply) => {
        if (!basicAuthMatches(request.headers.authorization, credentials)) {
          return fail(reply, 'INVALID_CREDENTIALS', 'Invalid API key or secret');
        }
      });
      v1.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) =>
        (error.statusCode ?? 500) < 500
          ? fail(reply, 'INVALID_PARAMETERS', error.message)
          : fail(reply, 'SERVER_ERROR', 'Internal error'),
      );
      v1.setNotFoundHandler((_request, reply) => fail(reply, 'MISSING_RESOURCE', 'Resource not found'));
      await v1.register(userRoutes, { state });
    },
    { prefix: '/v1' },
  );
  return Object.assign(app, { sandboxState: state });
}
