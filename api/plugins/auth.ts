import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem } from '../schemas/problem.js';

// Comparing fixed-length digests keeps the comparison constant-time whatever the key length.
const digest = (value: string) => createHash('sha256').update(value).digest();

export function bearerKeyMatches(header: string | undefined, keys: Buffer[]): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const presented = digest(match[1]!);
  let ok = false;
  for (const key of keys) ok = timingSafeEqual(presented, key) || ok; // no early exit
  return ok;
}

declare module 'fastify' {
  interface FastifyInstance {
    requireApiKey(request: FastifyRequest): Promise<void>;
  }
}

/** `requireApiKey` for routes that need `Authorization: Bearer <key>` (all of /v1). */
export default fp(
  async function auth(app: FastifyInstance, { keys }: { keys: string[] }) {
    const digests = keys.map(digest);
    app.decorate('requireApiKey', async (request: FastifyRequest) => {
      if (!bearerKeyMatches(request.headers.authorization, digests)) {
        throw new HttpProblem(401, 'Unauthorized', 'A valid API key is required: Authorization: Bearer <key>.');
      }
    });
  },
  { name: 'auth' },
);
