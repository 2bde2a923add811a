import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Sql } from '../../activities/store/db.js';
import { eraseUserData } from '../../activities/store/erasure.js';
import { externalUserIdOf } from '../../workflows/ids.js';
import { HttpProblem, problemResponses } from '../schemas/problem.js';
import { verificationParams } from '../schemas/verification.js';
import fp from 'fastify-plugin';
import { keyNameOf } from '../plugins/auth.js';
import { endUserMonitor } from './monitor.js';

const erasedReply = z.object({
  verificationId: z.string(),
  erased: z.object({ datapoints: z.number(), applicants: z.number(), eventPayloads: z.number() }),
});

/** `DELETE /v1/verifications/:id/data`: the user's personal data goes; the decision and an audit row stay. */
const erasureRoutes: FastifyPluginAsyncZod<{ sql: Sql; client: Client }> = async (app, { sql, client }) => {
  app.delete(
    '/verifications/:id/data',
    {
      config: { auth: { scope: 'data.erase' } },
      schema: {
        summary: "Erase the stored personal data of this verification's user",
        security: [{ bearer: [] }],
        params: verificationParams,
        response: { 202: erasedReply, ...problemResponses(401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const erased = externalUserIdOf(id) ? await eraseUserData(sql, id, keyNameOf(request)) : undefined;
      if (!erased) throw new HttpProblem(404, 'Not found', `No verification ${id}.`);
      // The monitor would judge data that is gone: it ends (ERASED).
      await endUserMonitor(client, externalUserIdOf(id)!, 'ERASED');
      return reply.code(202).send({ verificationId: id, erased });
    },
  );
};

export default fp(erasureRoutes, { name: 'erasure-routes', dependencies: ['auth'], encapsulate: true });
