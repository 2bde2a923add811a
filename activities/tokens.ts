import type { LinkToken } from '../workflows/types.js';
import type { SmileClient } from './smile/index.js';
import type { SmileToken } from './smile/schemas.js';
import type { Sql } from './store/db.js';
import { findSmileUser, saveSmileUser } from './store/users.js';

/** The part of the Smile client these activities need. */
export type SmileUsersApi = Pick<SmileClient, 'createUser' | 'createToken' | 'listAccounts'>;

const toLink = (token: SmileToken): LinkToken => ({ userToken: token.accessToken, expiresAt: token.expiresAt });

export function createTokenActivities({ sql, smile }: { sql: Sql; smile: SmileUsersApi }) {
  return {
    /**
     * A returning user keeps their Smile user and gets a fresh token; a new one
     * gets a Smile user. If a retry races another run, the first stored link wins.
     */
    async issueLinkToken({
      externalUserId,
    }: {
      externalUserId: string;
    }): Promise<{ smileUserId: string; link: LinkToken }> {
      const known = await findSmileUser(sql, externalUserId);
      if (known) return { smileUserId: known, link: toLink(await smile.createToken(known)) };

      const created = await smile.createUser({ externalUserId });
      const smileUserId = await saveSmileUser(sql, externalUserId, created.user.id);
      const token = smileUserId === created.user.id ? created.token : await smile.createToken(smileUserId);
      return { smileUserId, link: toLink(token) };
    },

    async refreshLinkToken({ smileUserId }: { smileUserId: string }): Promise<LinkToken> {
      return toLink(await smile.createToken(smileUserId));
    },

    /**
     * The user's connected accounts, asked of Smile: confirms a widget's
     * onAccountConnected when the ACCOUNT_CONNECTED webhook is late or was lost.
     */
    async connectedAccounts({
      smileUserId,
    }: {
      smileUserId: string;
    }): Promise<{ accountId: string; providerId: string }[]> {
      const { items } = await smile.listAccounts({ userId: smileUserId });
      return items
        .filter((a) => a.connectionStatus === 'CONNECTED')
        .map((a) => ({ accountId: a.id, providerId: a.providerId ?? 'unknown' }));
    },
  };
}
