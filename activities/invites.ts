import { ApplicationFailure } from '@temporalio/common';
import type { Sql } from '../db/client.js';
import { loadInviteContact, recordInviteIntent, saveInvite, type StoredInvite } from '../db/invites.js';
import { loadApplicant, saveSmileUser } from '../db/users.js';
import type { SmileClient } from '../smile/index.js';
import type { InviteView, LinkToken } from '../workflows/types.js';

export type SmileInvitesApi = Pick<SmileClient, 'createInvite' | 'iterateInvites' | 'createToken'>;

/** Smile's clock and ours may differ a little: an earlier attempt's invite is looked for from this much before its intent. */
const CLOCK_SKEW_MS = 60_000;

export function createInviteActivities({
  sql,
  smile,
  templateId,
}: {
  sql: Sql;
  smile: SmileInvitesApi;
  templateId: string | undefined;
}) {
  /**
   * The invite an earlier attempt created for this request, if any: POST /invites has
   * no idempotency key and Smile may have answered an attempt that then timed out.
   * The same contact invited since the intent was recorded is that invite.
   */
  async function inviteOfIntent(email: string, since: Date): Promise<StoredInvite | undefined> {
    const from = since.getTime() - CLOCK_SKEW_MS;
    for await (const invite of smile.iterateInvites()) {
      if (invite.email.toLowerCase() === email.toLowerCase() && Date.parse(invite.createdAt) >= from)
        return { inviteId: invite.id, smileUserId: invite.userId, url: invite.inviteLandingPageUrl ?? '' };
    }
    return undefined;
  }

  return {
    /**
     * A run started with `invite`: Smile invites the applicant (`POST /invites`, once per
     * start request even when this activity is retried), the invite's Smile user becomes
     * the run's, and a link token for that user keeps the widget usable too.
     */
    async issueInviteLinkToken({
      externalUserId,
      requestId,
    }: {
      externalUserId: string;
      requestId: string;
    }): Promise<{ smileUserId: string; link: LinkToken; invite: InviteView }> {
      if (!templateId)
        throw ApplicationFailure.nonRetryable('SMILE_INVITE_TEMPLATE_ID is not set', 'InviteNotConfigured');
      const intent = await recordInviteIntent(sql, requestId, externalUserId);
      let invite = intent.stored;
      if (!invite) {
        const contact = await loadInviteContact(sql, requestId);
        const { fullName } = await loadApplicant(sql, requestId);
        // The API refuses an invite without both; only an erasure in between leaves them gone.
        if (!contact || !fullName)
          throw ApplicationFailure.nonRetryable('the invite contact or applicant name is gone', 'InviteDataMissing');
        invite = intent.fresh ? undefined : await inviteOfIntent(contact.email, intent.createdAt);
        if (!invite) {
          const created = await smile.createInvite({ fullName, email: contact.email, templateId });
          invite = { inviteId: created.id, smileUserId: created.userId, url: created.inviteLandingPageUrl ?? '' };
        }
        await saveInvite(sql, requestId, invite);
      }
      // A first-time user keeps the invite's Smile user for later runs; a known one keeps theirs.
      await saveSmileUser(sql, externalUserId, invite.smileUserId);
      const token = await smile.createToken(invite.smileUserId);
      return {
        smileUserId: invite.smileUserId,
        link: { userToken: token.accessToken, expiresAt: token.expiresAt },
        invite: { inviteId: invite.inviteId, url: invite.url, status: 'INVITED' },
      };
    },
  };
}
