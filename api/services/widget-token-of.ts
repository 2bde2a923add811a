import type { FastifyInstance } from 'fastify';
import type { Sql } from '../../db/client.js';
import { latestVerification } from '../../db/verifications.js';
import { HttpProblem } from '../schemas/problem.js';

/**
 * A widget token for the verification's current run, returned with
 * each link token. The run's row exists once the link-token update answered:
 * the workflow stores it before it answers.
 */
export async function widgetTokenOf(app: FastifyInstance, sql: Sql, verificationId: string): Promise<string> {
  const run = await latestVerification(sql, verificationId);
  if (!run) throw new HttpProblem(503, 'Service unavailable', `Verification ${verificationId} is not stored yet.`);
  return app.issueWidgetToken({ verificationId, runId: run.runId }).token;
}
