import { smileId } from './envelope.js';
import type { SandboxState } from './state.js';
import type { PendingEvent } from './webhooks/dispatcher.js';

/** Smile's InviteStatus. */
export type InviteStatus =
  'INVITED' | 'EMAIL_OPENED' | 'LANDING_PAGE_OPENED' | 'WINK_WIDGET_OPENED' | 'LINKED' | 'REVOKED';

/** Smile's Invite object (openapi `Invite`). */
export interface SandboxInvite {
  id: string;
  createdAt: string;
  fullName: string;
  firstName?: string;
  lastName?: string;
  email: string;
  templateId: string;
  winkTemplateId?: string;
  userId: string;
  status: InviteStatus;
  updatedAt: string;
  invitedAt: string;
  /** Required by Smile's schema, so it holds `invitedAt` until the user links (as Smile's own example does). */
  linkedAt: string;
  inviteLandingPageUrl: string;
}

export interface InviteRequest {
  fullName: string;
  email: string;
  templateId: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  winkTemplateId?: string | undefined;
}

/**
 * `POST /invites`: Smile creates the invited user (USER_CREATED) and sends the
 * email (INVITE_INVITED); the landing page at `baseUrl/invite/:id` opens the widget.
 */
export function createInvite(state: SandboxState, input: InviteRequest, baseUrl: string, burst: PendingEvent[]) {
  const user = state.createUser(null);
  const now = state.nowIso();
  const id = smileId('iv');
  const invite: SandboxInvite = {
    id,
    createdAt: now,
    fullName: input.fullName,
    ...(input.firstName !== undefined && { firstName: input.firstName }),
    ...(input.lastName !== undefined && { lastName: input.lastName }),
    email: input.email,
    templateId: input.templateId,
    ...(input.winkTemplateId !== undefined && { winkTemplateId: input.winkTemplateId }),
    userId: user.id,
    status: 'INVITED',
    updatedAt: now,
    invitedAt: now,
    linkedAt: now,
    inviteLandingPageUrl: `${baseUrl}/invite/${id}`,
  };
  state.invites.set(id, invite);
  burst.push(
    { type: 'USER_CREATED', data: { userId: user.id } },
    { type: 'INVITE_INVITED', data: { userId: user.id, inviteId: id } },
  );
  return invite;
}

/** The user moved on through the invite (landing page, widget): the status only goes forward. */
const ORDER: InviteStatus[] = ['INVITED', 'EMAIL_OPENED', 'LANDING_PAGE_OPENED', 'WINK_WIDGET_OPENED', 'LINKED'];
export function advanceInvite(state: SandboxState, invite: SandboxInvite, status: InviteStatus): void {
  if (invite.status === 'REVOKED' || ORDER.indexOf(status) <= ORDER.indexOf(invite.status)) return;
  invite.status = status;
  invite.updatedAt = state.nowIso();
  if (status === 'LINKED') invite.linkedAt = invite.updatedAt;
}

/** An account linked through the invite: INVITE_LINKED, the first time only. */
export function inviteLinked(state: SandboxState, invite: SandboxInvite, burst: PendingEvent[]): void {
  if (invite.status === 'LINKED') return;
  advanceInvite(state, invite, 'LINKED');
  burst.push({ type: 'INVITE_LINKED', data: { userId: invite.userId, inviteId: invite.id } });
}
