import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import fp from 'fastify-plugin';
import { evaluate } from '../../decide/evaluate.js';
import { latestDecidedRun, type DecidedRun, type DecisionEvidence } from '../../db/decisions.js';
import type { Sql } from '../../db/client.js';
import { latestVerification } from '../../db/verifications.js';
import { externalUserIdOf } from '../../workflows/ids.js';
import { buildReport } from '../../decide/report.js';
import { reportHtml } from '../report/html.js';
import { reportPdf } from '../report/pdf.js';
import { HttpProblem, problemResponses } from '../schemas/problem.js';
import { evaluateBody, evaluateReply, reportSchema } from '../schemas/report.js';
import { verificationParams } from '../schemas/verification.js';

const MEDIA_TYPES = ['application/json', 'text/html', 'application/pdf'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];

/** The best of JSON, HTML and PDF for an Accept header (q-values honoured; none or `*\/*` is JSON). */
export function preferredType(accept: string | undefined): MediaType | undefined {
  if (!accept?.trim()) return 'application/json';
  const ranked = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(
        params
          .map((p) => p.trim())
          .find((p) => p.startsWith('q='))
          ?.slice(2) ?? 1,
      );
      return { type: type.trim(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { type } of ranked) {
    if (type === '*/*' || type === 'application/*') return 'application/json';
    if (type === 'text/*') return 'text/html';
    const match = MEDIA_TYPES.find((media) => media === type);
    if (match) return match;
  }
  return undefined;
}

/** HTML and PDF bypass the JSON schema's serializer: Fastify sends a string or buffer with its own content type as is. */
const sendDocument = (reply: FastifyReply, type: string, body: string | Buffer) => reply.type(type).send(body);

/**
 * The decided run behind a report or a simulation: 404 for an unknown id or
 * before a decision, 410 once the user's data was erased.
 */
async function decidedRun(sql: Sql, id: string): Promise<DecidedRun & { evidence: DecisionEvidence }> {
  const run = externalUserIdOf(id) ? await latestDecidedRun(sql, id) : undefined;
  if (!run) {
    const known = externalUserIdOf(id) && (await latestVerification(sql, id));
    throw new HttpProblem(
      404,
      'Not found',
      known ? `Verification ${id} has no decision yet.` : `No verification ${id}.`,
    );
  }
  if (run.erased) throw new HttpProblem(410, 'Gone', `The data of verification ${id} was erased; its decision stays.`);
  if (!run.evidence)
    throw new HttpProblem(404, 'Not found', `Verification ${id} was decided before decisions kept their evidence.`);
  return run as DecidedRun & { evidence: DecisionEvidence };
}

/** `GET /v1/verifications/:id/report` (JSON, HTML, PDF) and `POST /v1/verifications/:id/evaluate` (a dry run). */
const reportRoutes: FastifyPluginAsyncZod<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/verifications/:id/report',
    {
      config: { auth: { scope: 'verifications.read' } },
      schema: {
        summary: 'The verification report: what the decision was made from (JSON, or HTML / PDF by Accept)',
        description:
          'JSON by default; `Accept: text/html` answers a printable page, `Accept: application/pdf` the same content as ' +
          'a PDF, both with the monthly income and contributions charted. 404 before a decision, 410 after erasure.',
        security: [{ bearer: [] }],
        params: verificationParams,
        produces: [...MEDIA_TYPES],
        response: { 200: reportSchema, ...problemResponses(401, 404, 406, 410, 503) },
      },
    },
    async (request, reply) => {
      const type = preferredType(request.headers.accept);
      if (!type) throw new HttpProblem(406, 'Not acceptable', `The report is available as ${MEDIA_TYPES.join(', ')}.`);
      const report = buildReport(await decidedRun(sql, request.params.id), new Date());
      reply.header('vary', 'accept').header('cache-control', 'no-store');
      if (type === 'application/json') return report;
      if (type === 'text/html') return sendDocument(reply, 'text/html; charset=utf-8', reportHtml(report));
      reply.header('content-disposition', `inline; filename="${report.verificationId}-report.pdf"`);
      return sendDocument(reply, 'application/pdf', await reportPdf(report));
    },
  );

  app.post(
    '/verifications/:id/evaluate',
    {
      config: { auth: { scope: 'verifications.read' } },
      schema: {
        summary: "Evaluate the latest decision's stored inputs under another policy; nothing is stored",
        security: [{ bearer: [] }],
        params: verificationParams,
        body: evaluateBody,
        response: { 200: evaluateReply, ...problemResponses(400, 401, 404, 410, 503) },
      },
    },
    async (request) => {
      const { evidence } = await decidedRun(sql, request.params.id);
      const { outcome, reasons, rules } = evaluate({ ...evidence.inputs, policy: request.body.policy });
      return { outcome, reasons, rules };
    },
  );
};

export default fp(reportRoutes, { name: 'report-routes', dependencies: ['auth'], encapsulate: true });
