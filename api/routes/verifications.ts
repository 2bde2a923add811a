import { randomUUID } from 'node:crypto';
import type { Span } from '@opentelemetry/api';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { inSpan, SpanKind } from '../../runtime/tracing.js';
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Sql } from '../../db/client.js';
import { saveRequest } from '../../db/users.js';
import { erasureInProgress } from '../../db/user-erasures.js';
import { latestVerification } from '../../db/verifications.js';
import { externalUserIdOf, verificationWorkflowId } from '../../workflows/ids.js';
import { handOverUpdate, linkTokenUpdate, type LinkTokenReply } from '../../workflows/messages.js';
import { ExternalUserIdKey, VerificationStatusKey } from '../../workflows/search-attributes.js';
import type { VerificationInput } from '../../workflows/types.js';
import type { verificationWorkflow } from '../../workflows/verification.js';
import { updateRefusal } from '../plugins/errors.js';
import { HttpProblem, problemResponses, verificationNotFound } from '../schemas/problem.js';
import {
  startVerificationBody,
  startVerificationReply,
  statusDocumentSchema,
  verificationParams,
} from '../schemas/verification.js';
import fp from 'fastify-plugin';
import { startVerificationGuard, type StartGuardOptions } from '../services/start-guards.js';
import { widgetTokenOf } from '../services/widget-token-of.js';

type StartBody = z.output<typeof startVerificationBody>;

export interface VerificationRoutesOptions extends StartGuardOptions {
  sql: Sql;
  client: Client;
  taskQueue: string;
  /** RESULT_CALLBACK_URL: with it, or a request's callbackUrl, the run starts a result callback. */
  defaultCallbackUrl?: string;
}

/** How long an API call may wait on Temporal before answering 503. */
const TEMPORAL_DEADLINE_MS = 15_000;
/** A run that has closed is handed over at most this often per request (another request's new run would join). */
const HAND_OVER_ATTEMPTS = 3;
/** What a start during an erasure answers in `Retry-After`: an erasure takes seconds. */
const ERASURE_RETRY_AFTER_SECONDS = 5;

const verificationRoutes: FastifyPluginAsyncZod<VerificationRoutesOptions> = async (
  app,
  { sql, client, taskQueue, defaultCallbackUrl, ...guards },
) => {
  app.post(
    '/verifications',
    {
      config: { auth: { scope: 'verifications.write' } },
      preHandler: startVerificationGuard(guards),
      schema: {
        summary: 'Start a verification, or join the running one of this user',
        security: [{ bearer: [] }],
        body: startVerificationBody,
        response: {
          200: startVerificationReply,
          201: startVerificationReply,
          ...problemResponses(400, 401, 403, 409, 415, 502, 503),
        },
      },
    },
    // One trace per verification starts here: the client's start carries it into the workflow's headers.
    (request, reply) =>
      inSpan('POST /v1/verifications', { kind: SpanKind.SERVER }, (span) =>
        startVerification(request.body, reply, span),
      ),
  );

  async function startVerification(body: StartBody, reply: FastifyReply, span: Span) {
    const { externalUserId, applicant, policy, callbackUrl, partnerParams, invite } = body;
    span.setAttribute('verification.id', verificationWorkflowId(externalUserId));
    const requestId = randomUUID();
    // The claim check: personal data goes to Postgres, the workflow gets only requestId.
    // Nothing of the user is written while their erasure runs; the client retries after it.
    const erasing = () => {
      void reply.header('retry-after', String(ERASURE_RETRY_AFTER_SECONDS));
      return new HttpProblem(409, 'Erasure in progress', `The personal data of ${externalUserId} is being erased.`);
    };
    if (!(await saveRequest(sql, { requestId, externalUserId, applicant, invite }))) throw erasing();

    const workflowId = verificationWorkflowId(externalUserId);
    const callbackConfigured = (callbackUrl ?? defaultCallbackUrl) !== undefined;
    const input: VerificationInput = {
      externalUserId,
      requestId,
      policy,
      callbackUrl,
      callbackConfigured,
      partnerParams,
      ...(invite ? { invite: true } : {}),
    };
    const startOrJoin = () => {
      const start = new WithStartWorkflowOperation<typeof verificationWorkflow>('verificationWorkflow', {
        workflowId,
        taskQueue,
        args: [input],
        // One request starts the user's workflow or joins the running one: never two.
        workflowIdConflictPolicy: 'USE_EXISTING',
        staticSummary: `Verification of ${externalUserId}`,
        staticDetails: `required data: ${policy.requiredDatapoints.join(', ')}; KYC ${policy.kyc.enabled ? 'on' : 'off'}; connect within ${policy.connectTimeout}`,
        typedSearchAttributes: [
          { key: ExternalUserIdKey, value: externalUserId },
          { key: VerificationStatusKey, value: 'AWAITING_CONNECTION' },
        ],
      });
      return client.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () =>
        client.workflow.executeUpdateWithStart(linkTokenUpdate, {
          args: [{ requestId }],
          startWorkflowOperation: start,
        }),
      );
    };
    let token: LinkTokenReply | undefined;
    for (let attempt = 1; !token; attempt++) {
      try {
        token = await startOrJoin();
      } catch (error) {
        // Only a closed run is handed over; a Smile failure is the caller's 502 or 503 (api/plugins/errors.ts).
        const closed = error instanceof WorkflowUpdateFailedError && updateRefusal(error) === 'closed';
        if (!closed) throw error;
        // An erasure asked for after this request was saved ends each run it finds: this request's run went with it.
        if (await erasureInProgress(sql, externalUserId)) throw erasing();
        if (attempt >= HAND_OVER_ATTEMPTS) {
          void reply.header('retry-after', '1');
          throw error;
        }
        // The user's workflow has decided and is closing or monitoring: it finishes, then the next start begins a new run.
        await handOver(workflowId);
      }
    }
    reply.code(token.startedByRequest ? 201 : 200);
    return {
      verificationId: workflowId,
      runId: token.runId,
      status: token.status,
      smileUserId: token.smileUserId,
      link: { userToken: token.userToken, expiresAt: token.expiresAt },
      widgetToken: await widgetTokenOf(app, sql, workflowId),
      ...(token.invite ? { invite: token.invite } : {}),
    };
  }

  /** Waits until the user's closed run has finished its last step; nothing to wait for once it has completed. */
  async function handOver(workflowId: string): Promise<void> {
    try {
      await client.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () =>
        client.workflow.getHandle(workflowId).executeUpdate(handOverUpdate),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return;
      // Refused by the validator: a run that has not closed, which the next start joins.
      if (error instanceof WorkflowUpdateFailedError) return;
      throw error;
    }
  }

  app.get(
    '/verifications/:id',
    {
      config: { auth: { scope: 'verifications.read' } },
      schema: {
        summary: 'The status document of a verification (running or closed), as last stored',
        security: [{ bearer: [] }],
        params: verificationParams,
        response: { 200: statusDocumentSchema, ...problemResponses(401, 403, 404, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      // Built only when needed: an Error captures a stack trace, which a hot read path should not pay for.
      const notFound = () => verificationNotFound(id);
      if (!externalUserIdOf(id)) throw notFound();
      // From Postgres only, where every status change writes the document: a workflow query per
      // read would replay the run on a worker whenever it is not in that worker's cache.
      const stored = await latestVerification(sql, id);
      if (!stored) throw notFound();
      // The row's run id names the run even in a document stored before it carried one; the user's erasure, if any.
      return { ...stored.document, runId: stored.runId, ...(stored.erasure ? { erasure: stored.erasure } : {}) };
    },
  );
};

export default fp(verificationRoutes, { name: 'verification-routes', dependencies: ['auth'], encapsulate: true });
