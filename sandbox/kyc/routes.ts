import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { jobResult, KYC_RESULT_CODES, validSmileIdSignature, type KycService } from './jobs.js';

const signedBody = z.looseObject({ partner_id: z.string(), timestamp: z.string(), signature: z.string() });
const submitBody = signedBody.extend({
  callback_url: z.url({ protocol: /^https?$/ }).optional(),
  partner_params: z.looseObject({
    job_id: z.string().min(1).max(200),
    user_id: z.string().min(1).max(200),
    job_type: z.union([z.number(), z.string()]),
  }),
});
const statusBody = signedBody.extend({ job_id: z.string().min(1), user_id: z.string().optional() });

/** Smile ID style KYC jobs: `POST /jobs`, `POST /job_status`. Requests are signed like callbacks. */
const kycRoutes: FastifyPluginAsync<{ kyc: KycService; partnerId: string; apiKey: string }> = async (
  app,
  { kyc, partnerId, apiKey },
) => {
  app.addHook('preValidation', async (request, reply) => {
    const body = signedBody.safeParse(request.body);
    if (!body.success)
      return reply.code(400).send({ code: '2213', error: 'Missing partner_id, timestamp or signature' });
    if (!validSmileIdSignature(apiKey, partnerId, body.data))
      return reply.code(401).send({ code: '2205', error: 'You are not authorized to do that.' });
  });

  app.post('/jobs', async (request, reply) => {
    const body = submitBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ code: '2213', error: 'Missing or invalid partner_params' });
    const { job_id, user_id, job_type } = body.data.partner_params;
    const job = kyc.submit({ job_id, user_id, job_type }, body.data.callback_url);
    return { success: true, smile_job_id: job.smileJobId, job_id };
  });

  app.post('/job_status', async (request, reply) => {
    const body = statusBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ code: '2213', error: 'Missing job_id' });
    const job = kyc.jobs.get(body.data.job_id);
    if (!job || (body.data.user_id !== undefined && job.partnerParams.user_id !== body.data.user_id)) {
      return reply.code(404).send({ code: '2203', error: 'Job not found' });
    }
    return {
      ...kyc.signed(),
      job_complete: job.complete,
      job_success: job.complete && KYC_RESULT_CODES[job.resultCode].approved,
      code: job.complete ? '2302' : '2301',
      result: job.complete ? jobResult(job) : null,
      history: [],
      image_links: {},
    };
  });
};

export default kycRoutes;
