import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import fp from 'fastify-plugin';
import type { Sql } from '../../db/client.js';
import { searchVerifications } from '../../db/search.js';
import { problemResponses } from '../schemas/problem.js';
import { decodeCursor, encodeCursor, searchQuery, searchReply } from '../schemas/search.js';

/** `GET /v1/verifications`: search, from Postgres only, newest first. */
const searchRoutes: FastifyPluginAsyncZod<{ sql: Sql }> = async (app, { sql }) => {
  app.get(
    '/verifications',
    {
      config: { auth: { scope: 'verifications.read' } },
      schema: {
        summary: 'Search verification runs, newest first, a page at a time',
        security: [{ bearer: [] }],
        querystring: searchQuery,
        response: { 200: searchReply, ...problemResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const { cursor, ...filter } = request.query;
      const page = await searchVerifications(sql, { ...filter, after: cursor ? decodeCursor(cursor) : undefined });
      return { items: page.items, nextCursor: page.last ? encodeCursor(page.last) : null };
    },
  );
};

export default fp(searchRoutes, { name: 'search-routes', dependencies: ['auth'], encapsulate: true });
