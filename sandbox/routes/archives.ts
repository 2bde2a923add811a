import type { FastifyPluginAsync } from 'fastify';
import { fail, ok, paginate } from '../envelope.js';
import type { SandboxState } from '../state.js';
import { listQuery } from './query.js';

/**
 * Uploaded documents: `GET /archives?userId=`, `GET /archives/:id`, and Smile's
 * extraction of a payslip, `GET /archives/-/payslips/queryPrediction?archiveId=`.
 */
const archiveRoutes: FastifyPluginAsync<{ state: SandboxState }> = async (app, { state }) => {
  app.get('/archives', async (request) => {
    const query = listQuery(request.query, ['size', 'cursor', 'userId']);
    const archives = [...state.archives.values()]
      .map((r) => r.archive)
      .filter((a) => query.userId === undefined || a.userId === query.userId);
    return ok(paginate(archives, query));
  });

  app.get('/archives/-/payslips/queryPrediction', async (request, reply) => {
    const { archiveId } = request.query as { archiveId?: unknown };
    if (typeof archiveId !== 'string' || archiveId.length === 0 || archiveId.length > 200)
      return fail(reply, 'INVALID_PARAMETERS', 'archiveId is required');
    const record = state.archives.get(archiveId);
    if (!record || record.archive.state.status === 'REVOKED')
      return fail(reply, 'MISSING_RESOURCE', 'Archive not found');
    return ok(record.prediction);
  });

  app.get('/archives/:id', async (request, reply) => {
    const record = state.archives.get((request.params as { id: string }).id);
    return record ? ok(record.archive) : fail(reply, 'MISSING_RESOURCE', 'Archive not found');
  });
};

export default archiveRoutes;
