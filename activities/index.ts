import type { StatusDocument } from '../workflows/types.js';
import type { Sql } from './store/db.js';
import { recordVerification } from './store/verifications.js';
import { createTokenActivities, type SmileUsersApi } from './tokens.js';

export interface ActivityDeps {
  sql: Sql;
  smile: SmileUsersApi;
}

/**
 * Every activity, wired to its dependencies. Workflows import only the type
 * (`import type { Activities }`), so no I/O code reaches the workflow bundle.
 */
export function createActivities({ sql, smile }: ActivityDeps) {
  return {
    ...createTokenActivities({ sql, smile }),

    async recordVerification(input: { runId: string; requestId: string; document: StatusDocument }): Promise<void> {
      await recordVerification(sql, input);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
