import type { FastifyPluginAsync } from 'fastify';
import { fail, ok, paginate } from '../envelope.js';
import { DATAPOINT_KINDS, type DataRecord, type DatapointKind, type SandboxState } from '../state.js';
import { listQuery, overlaps, type ListQuery } from './query.js';

const COMMON = ['size', 'cursor', 'userId', 'accountId', 'sourceId'] as const;

/** Each datapoint's own range filters (openapi-v1.yaml): dates for most, months for eincomes. */
const RANGE: Record<
  DatapointKind,
  { params: readonly (keyof ListQuery)[]; matches: (r: DataRecord, q: ListQuery) => boolean }
> = {
  identities: { params: [], matches: () => true },
  employments: {
    params: ['startDate', 'endDate'],
    matches: (r, q) => overlaps(r.startDate as string, (r.endDate as string | null) ?? null, q.startDate, q.endDate),
  },
  contributions: {
    params: ['startDate', 'endDate'],
    matches: (r, q) => overlaps(r.date as string, r.date as string, q.startDate, q.endDate),
  },
  incomes: {
    params: ['startDate', 'endDate'],
    matches: (r, q) => overlaps(r.startDate as string, (r.endDate as string | null) ?? null, q.startDate, q.endDate),
  },
  eincomes: {
    params: ['startMonth', 'endMonth'],
    matches: (r, q) => overlaps(r.month as string, r.month as string, q.startMonth, q.endMonth),
  },
};

const SINGULAR: Record<DatapointKind, string> = {
  identities: 'Identity',
  employments: 'Employment',
  contributions: 'Contribution',
  incomes: 'Income',
  eincomes: 'Estimated income',
};

/** `GET /identities|employments|contributions|incomes|eincomes` (filtered, paginated) and `GET /<kind>/:id`. */
const datapointRoutes: FastifyPluginAsync<{ state: SandboxState }> = async (app, { state }) => {
  for (const kind of DATAPOINT_KINDS) {
    app.get(`/${kind}`, async (request) => {
      const q = listQuery(request.query, [...COMMON, ...RANGE[kind].params]);
      const rows = [...state.records[kind].values()].filter(
        (r) =>
          (q.userId === undefined || r.metadata.userId === q.userId) &&
          (q.accountId === undefined || r.metadata.accountId === q.accountId) &&
          (q.sourceId === undefined || r.metadata.sourceId === q.sourceId) &&
          RANGE[kind].matches(r, q),
      );
      return ok(paginate(rows, q));
    });

    app.get(`/${kind}/:id`, async (request, reply) => {
      const record = state.records[kind].get((request.params as { id: string }).id);
      return record ? ok(record) : fail(reply, 'MISSING_RESOURCE', `${SINGULAR[kind]} not found`);
    });
  }
};

export default datapointRoutes;
