import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ok, SandboxError, smileId } from '../envelope.js';
import { accountOf, login, revoke, verifyMfa } from '../link.js';
import type { SandboxState } from '../state.js';
import { advanceInvite } from '../invites.js';
import { notAPayslip, personaPayslips, revokeArchive, uploadPayslips } from '../uploads.js';
import { findPersona, SANDBOX_PERSONAS, SANDBOX_PROVIDERS } from '../users.js';
import type { PendingEvent, WebhookDispatcher } from '../webhooks/dispatcher.js';
import { linkCallbacks, type WidgetCallback } from './callbacks.js';
import { invitePage } from './invite-page.js';
import { winkPage } from './page.js';
import { SMILE_LINK_SDK } from './sdk.js';

const withToken = z.object({ userToken: z.string().min(1) });
const loginBody = withToken.extend({
  providerId: z.string().min(1).max(100),
  username: z.string().min(1).max(200),
  password: z.string().max(200),
});
const mfaBody = withToken.extend({ accountId: z.string().min(1), code: z.string().max(20) });
const revokeBody = withToken.extend({ accountId: z.string().min(1) });
const uploadBody = withToken.extend({
  fileType: z.string().min(1).max(50),
  fileName: z.string().min(1).max(200),
  /** Which sandbox payslips the file holds: a persona's (agreeing with its payroll) or a file that is no payslip. */
  sample: z.string().max(50).optional(),
});
/** How many payslips one upload of a persona's holds (Maria: three months of half-month pay). */
const PAYSLIPS_PER_UPLOAD = 6;
const removeUploadsBody = withToken.extend({ uploadIds: z.array(z.string()).min(1) });

/**
 * The Wink widget emulation: `/wink` (the widget page), `/wink/smile.v2.js`
 * (the SDK), and `/wink/api/*`, the widget's own back end, authenticated by
 * the link token like Smile's link API.
 */
const winkRoutes: FastifyPluginAsync<{ state: SandboxState; dispatcher: WebhookDispatcher }> = async (
  app,
  { state, dispatcher },
) => {
  const uploads = new Map<
    string,
    { id: string; userId: string; fileType: string; fileName: string; createdAt: string }
  >();
  const publish = (userId: string, burst: PendingEvent[]) => dispatcher.publish(userId, burst);

  app.get('/wink', async (request, reply) => {
    const { companyName } = request.query as { companyName?: string };
    return reply.type('text/html; charset=utf-8').send(winkPage(typeof companyName === 'string' ? companyName : ''));
  });
  // The SDK under the sandbox's path and under the production path (web.smileapi.io/v2/smile.v2.js).
  for (const path of ['/wink/smile.v2.js', '/v2/smile.v2.js']) {
    app.get(path, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(SMILE_LINK_SDK));
  }

  /** The sandbox persona whose payslips a user uploads by default: the invitee's, or the one they linked, else Maria. */
  const defaultSample = (userId: string): string => {
    const invite = [...state.invites.values()].find((i) => i.userId === userId);
    const linked = [...state.accounts.values()].find((r) => r.account.userId === userId && r.personaKey);
    return findPersona(invite?.email ?? '')?.key ?? linked?.personaKey ?? 'maria';
  };

  app.get('/wink/api/session', async (request) => {
    const token = state.validToken((request.query as { userToken?: unknown }).userToken);
    return ok({
      userId: token.userId,
      mode: token.mode,
      expiresAt: token.expiresAt,
      providers: SANDBOX_PROVIDERS,
      sample: defaultSample(token.userId),
    });
  });

  /** The hosted invite landing page: a fresh link token for the invited user and the widget. */
  app.get('/invite/:id', async (request, reply) => {
    const invite = state.invites.get((request.params as { id: string }).id);
    if (!invite || invite.status === 'REVOKED')
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>Not found</title><p>This invite does not exist.</p>');
    advanceInvite(state, invite, 'LANDING_PAGE_OPENED');
    const token = state.issueToken(invite.userId);
    return reply.type('text/html; charset=utf-8').send(invitePage(invite, token.accessToken));
  });

  app.post('/wink/api/login', async (request) => {
    const body = loginBody.parse(request.body);
    const token = state.validToken(body.userToken);
    const burst: PendingEvent[] = [];
    const record = login(state, token.userId, body, burst);
    publish(token.userId, burst);
    const callbacks = linkCallbacks(state, record).filter((c) => c.callback !== 'onUIEvent');
    return ok({ account: record.account, callbacks });
  });

  app.post('/wink/api/mfa', async (request) => {
    const body = mfaBody.parse(request.body);
    const token = state.validToken(body.userToken);
    const record = accountOf(state, token.userId, body.accountId);
    const burst: PendingEvent[] = [];
    verifyMfa(state, record, body.code, burst);
    publish(token.userId, burst);
    const [, last] = linkCallbacks(state, record).filter((c) => c.callback !== 'onUIEvent');
    return ok({ account: record.account, callbacks: last ? [last] : [] });
  });

  app.post('/wink/api/revoke', async (request) => {
    const body = revokeBody.parse(request.body);
    const token = state.validToken(body.userToken);
    const record = accountOf(state, token.userId, body.accountId);
    const burst: PendingEvent[] = [];
    revoke(state, record, burst);
    publish(token.userId, burst);
    const { id: accountId, userId, providerId } = record.account;
    return ok({
      account: record.account,
      callbacks: [{ callback: 'onAccountRemoved', data: { accountId, userId, providerId } }],
    });
  });

  app.post('/wink/api/uploads', async (request) => {
    const body = uploadBody.parse(request.body);
    const token = state.validToken(body.userToken);
    if (body.fileType === 'PAYSLIP') {
      const sample = body.sample ?? defaultSample(token.userId);
      const persona = SANDBOX_PERSONAS.find((p) => p.key === sample);
      if (!persona && sample !== 'not-a-payslip') throw new SandboxError('INVALID_PARAMETERS', 'sample is unknown');
      const payslips = persona ? personaPayslips(state, persona, PAYSLIPS_PER_UPLOAD) : [notAPayslip(state)];
      if (payslips.length === 0) throw new SandboxError('INVALID_PARAMETERS', `${sample} has no payslips`);
      const burst: PendingEvent[] = [];
      const created = uploadPayslips(state, token.userId, payslips, burst, body.fileName).map(({ archive }) => ({
        id: archive.id,
        userId: archive.userId,
        fileType: archive.type,
        fileName: archive.rawFiles[0]!.name,
        createdAt: archive.createdAt,
      }));
      publish(token.userId, burst);
      const callbacks: WidgetCallback[] = [
        { callback: 'onUploadsCreated', data: { uploads: created, userId: token.userId } },
      ];
      return ok({ uploads: created, callbacks });
    }
    const upload = {
      id: smileId('u'),
      userId: token.userId,
      fileType: body.fileType,
      fileName: body.fileName,
      createdAt: state.nowIso(),
    };
    uploads.set(upload.id, upload);
    const archive = { userId: token.userId, archiveId: upload.id };
    publish(token.userId, [
      { type: 'ARCHIVE_STARTED', data: archive },
      { type: 'ARCHIVE_ANALYZED', data: archive },
    ]);
    const callbacks: WidgetCallback[] = [
      { callback: 'onUploadsCreated', data: { uploads: [upload], userId: token.userId } },
    ];
    return ok({ uploads: [upload], callbacks });
  });

  app.post('/wink/api/uploads/remove', async (request) => {
    const body = removeUploadsBody.parse(request.body);
    const token = state.validToken(body.userToken);
    const burst: PendingEvent[] = [];
    const removed = body.uploadIds.map((id) => {
      const archive = state.archives.get(id);
      if (archive && archive.archive.userId === token.userId) {
        revokeArchive(state, archive, burst);
        const { archive: a } = archive;
        return { id: a.id, userId: a.userId, fileType: a.type, fileName: a.rawFiles[0]!.name, createdAt: a.createdAt };
      }
      const upload = uploads.get(id);
      if (!upload || upload.userId !== token.userId) throw new SandboxError('MISSING_RESOURCE', 'Upload not found');
      uploads.delete(id);
      burst.push({ type: 'ARCHIVE_REVOKED', data: { userId: token.userId, archiveId: upload.id } });
      return upload;
    });
    publish(token.userId, burst);
    return ok({
      uploads: removed,
      callbacks: [{ callback: 'onUploadsRemoved', data: { uploads: removed, userId: token.userId } }],
    });
  });
};

export default winkRoutes;
