import { ApplicationFailure } from '@temporalio/common';
import type { LinkToken } from '../workflows/types.js';
import type { SmileClient } from '../smile/index.js';
import type { SmileToken } from '../smile/schemas.js';
import type { Sql } from '../db/client.js';
import { recordSmileUserIntent, type SmileUserIntent } from '../db/intents.js';
import { findSmileUser, saveSmileUser } from '../db/users.js';

/** The part of the Smile client these activities need. */
export type SmileUsersApi = Pick<
  SmileClient,
  | 'createUser'
  | 'createToken'
  | 'listAccounts'
  | 'getAccount'
  | 'iterateUsers'
  | 'revokeAccount'
  | 'iterateAccounts'
  | 'disableMonitor'
>;

/** The externalMetadata key that names the intent a Smile user was created for. */
export const INTENT_METADATA_KEY = 'smileVerifyIntent';

const DAY_MS = 86_400_000;
const toLink = (token: SmileToken): LinkToken => ({ userToken: token.accessToken, expiresAt: token.expiresAt });

export function createTokenActivities({ sql, smile }: { sql: Sql; smile: SmileUsersApi }) {
  /**
   * The Smile user an earlier attempt created for this intent, if any: POST /users
   * has no idempotency key, and that attempt may have timed out after Smile answered
   * or stopped before it saved the user. Smile's date filter is by day, so the
   * search starts the day before the intent.
   */
  async function userOfIntent(intent: SmileUserIntent): Promise<string | undefined> {
    if (intent.fresh) return undefined;
    const startDate = new Date(intent.createdAt.getTime() - DAY_MS).toISOString().slice(0, 10);
    for await (const user of smile.iterateUsers({ startDate })) {
      if (user.externalMetadata?.[INTENT_METADATA_KEY] === intent.key) return user.id;
    }
    return undefined;
  }

  return {
    /**
     * A returning user keeps their Smile user and gets a fresh token; a new one
     * gets a Smile user, created once even when this activity is retried. If a
     * retry races another run, the first stored link wins.
     */
    async issueLinkToken({
      externalUserId,
    }: {
      externalUserId: string;
    }): Promise<{ smileUserId: string; link: LinkToken; newSmileUser?: true }> {
      const known = await findSmileUser(sql, externalUserId);
      if (known) return { smileUserId: known, link: toLink(await smile.createToken(known)) };

      const intent = await recordSmileUserIntent(sql, externalUserId);
      const made = await userOfIntent(intent);
      if (made) {
        const smileUserId = await saveSmileUser(sql, externalUserId, made);
        return { smileUserId, link: toLink(await smile.createToken(smileUserId)), newSmileUser: true };
      }
      const created = await smile.createUser({ [INTENT_METADATA_KEY]: intent.key });
      const smileUserId = await saveSmileUser(sql, externalUserId, created.user.id);
      const token = smileUserId === created.user.id ? created.token : await smile.createToken(smileUserId);
      // A Smile user made for this run: none of its accounts can predate the run.
      return { smileUserId, link: toLink(token), ...(smileUserId === created.user.id ? { newSmileUser: true } : {}) };
    },

    async refreshLinkToken({ smileUserId }: { smileUserId: string }): Promise<LinkToken> {
      return toLink(await smile.createToken(smileUserId));
    },

    /**
     * The user's connected accounts, asked of Smile: confirms a connection whose
     * ACCOUNT_CONNECTED webhook is late or was lost. Each with Smile's own
     * `createdAt` (from the list, else `GET /accounts/{id}`; null when Smile gives
     * none), which decides whether the account belongs to the asking run: the
     * list holds every account the Smile user ever linked, an earlier run's too.
     */
    async connectedAccounts({
      smileUserId,
    }: {
      smileUserId: string;
    }): Promise<{ accountId: string; providerId: string; createdAt: string | null }[]> {
      const { items } = await smile.listAccounts({ userId: smileUserId });
      const connected = items.filter((a) => a.connectionStatus === 'CONNECTED');
      return Promise.all(
        connected.map(async (a) => ({
          accountId: a.id,
          providerId: a.providerId ?? 'unknown',
          createdAt: a.createdAt ?? (await smile.getAccount(a.id)).createdAt ?? null,
        })),
      );
    },

    /**
     * Every account of the given Smile users, asked of Smile (paged): what an
     * erasure revokes, whether or not a run ever knew it. Ids only.
     */
    async smileAccountsOf({ smileUserIds }: { smileUserIds: string[] }): Promise<string[]> {
      const ids: string[] = [];
      for (const userId of smileUserIds)
        for await (const account of smile.iterateAccounts({ userId }))
          // A disconnected account is revoked already: its data went with the disconnect.
          if (account.connectionStatus !== 'DISCONNECTED') ids.push(account.id);
      return ids;
    },

    /** `POST /accounts/:id/disableMonitor` at Smile: its continuous sync stops; false when the account is gone. */
    async disableSmileMonitor({ accountId }: { accountId: string }): Promise<{ disabled: boolean }> {
      try {
        await smile.disableMonitor(accountId);
        return { disabled: true };
      } catch (error) {
        if (error instanceof ApplicationFailure && error.type === 'SmileMissingResource') return { disabled: false };
        throw error;
      }
    },

    /** `DELETE /accounts/:id` at Smile; Smile's 404 (MISSING_RESOURCE) means it is gone already. */
    async revokeSmileAccount({ accountId }: { accountId: string }): Promise<{ revoked: boolean }> {
      try {
        await smile.revokeAccount(accountId);
        return { revoked: true };
      } catch (error) {
        if (error instanceof ApplicationFailure && error.type === 'SmileMissingResource') return { revoked: false };
        throw error;
      }
    },
  };
}
