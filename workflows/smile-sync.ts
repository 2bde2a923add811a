import { ActivityFailure } from '@temporalio/workflow';
import { smileAccounts } from './proxies.js';
import type { RunAccount } from './types.js';

/**
 * Turns Smile's continuous sync of a run's accounts off (`disableMonitor`):
 * when a run closes without monitoring and when its monitoring ends, nobody
 * needs their data any more. Uploads have no sync. Best effort: a Smile that
 * fails after the retries leaves the sync on, which costs syncs the service
 * ignores, never a wrong decision; the close goes on.
 */
export async function stopSmileSync(accounts: RunAccount[]): Promise<void> {
  const synced = accounts.filter((a) => a.sourceType === undefined || a.sourceType === 'ACCOUNT');
  await Promise.all(
    synced.map(({ accountId }) =>
      smileAccounts()
        .disableSmileMonitor({ accountId })
        .catch((error: unknown) => {
          if (!(error instanceof ActivityFailure)) throw error;
        }),
    ),
  );
}
