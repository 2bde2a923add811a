import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Sql } from '../../db/client.js';
import { latestVerification } from '../../db/verifications.js';
import { externalUserIdOf } from '../../workflows/ids.js';
import { widgetEventSignal, type WidgetEventRef } from '../../workflows/messages.js';
import { HttpProblem, problemResponses, verificationNotFound } from '../schemas/problem.js';
import { verificationParams } from '../schemas/verification.js';
import { widgetEventBody, type WidgetEventBody } from '../schemas/widget-events.js';
import fp from 'fastify-plugin';
import { WIDGET_SCREENS } from '../plugins/metrics.js';

const DEADLINE_MS = 5_000;

/** Only ids and codes reach the workflow: nothing a user typed. */
function toRef({ callback, data }: WidgetEventBody): WidgetEventRef {
  const fields = (data ?? {}) as Record<string, unknown>;
  const pick = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  const ref: WidgetEventRef = { callback, receivedAt: new Date().toISOString() };
  for (const [key, value] of [
    ['accountId', pick('accountId')],
    ['providerId', pick('providerId')],
    ['errorCode', pick('errorCode')],
    ['eventName', pick('eventName')],
  ] as const) {
    if (value) ref[key] = value;
  }
  return ref;
}

/**
 * A widget token is for one run: once that run closed, or a newer run of the
 * same verification started, it authorizes nothing.
 */
async function assertTokenRunIsCurrent(sql: Sql, id: string, runId: string): Promise<void> {
  const current = await latestVerification(sql, id);
  if (current?.runId !== runId)
    throw new HttpProblem(403, 'Forbidden', 'This widget token belongs to an earlier run of this verification.');
  if (current.closed) throw new HttpProblem(409, 'Conflict', `Verification ${id} is not running.`);
}

/**
 * Wink widget callbacks forwarded by the front end: hints that move the
 * visible stage, never a decision. A browser authorizes with the verification's
 * widget token; a back end may use a key with `verifications.write`.
 */
const widgetEventRoutes: FastifyPluginAsyncZod<{ sql: Sql; client: Client }> = async (app, { sql, client }) => {
  app.post(
    '/verifications/:id/widget-events',
    {
      config: { auth: { scope: 'verifications.write', widget: true } },
      schema: {
        summary: 'Forward a Wink widget callback',
        security: [{ bearer: [] }],
        params: verificationParams,
        body: widgetEventBody,
        response: {
          202: z.object({ accepted: z.literal(true) }),
          ...problemResponses(400, 401, 403, 404, 409, 503),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!externalUserIdOf(id)) throw verificationNotFound(id);
      if (request.caller.kind === 'widget') await assertTokenRunIsCurrent(sql, id, request.caller.runId);
      try {
        await client.withDeadline(Date.now() + DEADLINE_MS, () =>
          client.workflow.getHandle(id).signal(widgetEventSignal, toRef(request.body)),
        );
      } catch (error) {
        if (error instanceof WorkflowNotFoundError)
          throw new HttpProblem(409, 'Conflict', `Verification ${id} is not running.`);
        throw error;
      }
      if (request.body.callback === 'onUIEvent') {
        const name = request.body.data.eventName;
        app.metrics.widgetScreens.inc({ screen: WIDGET_SCREENS.has(name) ? name : 'other' });
      }
      return reply.code(202).send({ accepted: true as const });
    },
  );
};

export default fp(widgetEventRoutes, { name: 'widget-event-routes', dependencies: ['auth'], encapsulate: true });
