import { describe, expect, it } from 'vitest';
import type { SmileEventRef } from '../../workflows/messages.js';
import { applyListedAccount, applySmileEvent, applyWidgetEvent } from '../../workflows/apply.js';
import {
  currentSync,
  initialState,
  isConnected,
  runAccounts,
  SEEN_EVENT_IDS_LIMIT,
  statusDocument,
} from '../../workflows/state.js';
import { resolvePolicy } from '../../workflows/policy.js';

const USER = 'tenantId-0123456789abcdef0123456789abcdef';
let n = 0;
const event = (type: string, extra: Partial<SmileEventRef> = {}): SmileEventRef => ({
  eventId: `et-${++n}`,
  type,
  smileUserId: USER,
  accountId: 'a-1',
  providerId: 'sss',
  hasPayload: false,
  createdAt: '2026-01-01T00:00:00Z',
  ...extra,
});
const fresh = () => ({ ...initialState('2026-01-01T00:00:00.000Z'), smileUserId: USER });

describe('applying Smile events', () => {
  it('takes no account from a connection the inbox received before the run started', () => {
    const state = fresh();
    // Smile dates it in the run's first second; it waited in the inbox while the earlier run closed.
    const early = { createdAt: '2026-01-01T00:00:00Z', receivedAt: '2025-12-31T23:59:59.900Z' };
    expect(applySmileEvent(state, event('ACCOUNT_CONNECTED', early))).toBe(false);
    expect(applySmileEvent(state, event('ACCOUNT_FAILED', early))).toBe(false);
    expect(state.accounts).toEqual([]);
    expect(state.failures).toBe(0);
    const later = { createdAt: '2026-01-01T00:00:00Z', receivedAt: '2026-01-01T00:00:00.200Z' };
    expect(applySmileEvent(state, event('ACCOUNT_CONNECTED', later))).toBe(true);
    expect(isConnected(state)).toBe(true);
  });

  it('a failed attempt in the run does not make an earlier account the run’s', () => {
    // An earlier run's account fails to re-sync during this run: a failed attempt of this run.
    const before = { createdAt: '2025-12-31T23:00:00Z', receivedAt: '2025-12-31T23:00:00.300Z' };
    const inRun = { createdAt: '2026-01-01T00:05:00Z', receivedAt: '2026-01-01T00:05:00.300Z' };
    const failed = () => {
      const state = fresh();
      expect(applySmileEvent(state, event('ACCOUNT_FAILED', { ...inRun, errorCode: 'INVALID_CREDENTIALS' }))).toBe(
        true,
      );
      expect(state.failures).toBe(1);
      return state;
    };
    // Its connection, delivered late, is still dated (and was received) before the run.
    const late = failed();
    applySmileEvent(late, event('ACCOUNT_CONNECTED', before));
    applySmileEvent(late, event('ARCHIVE_ANALYZED', before));
    expect(runAccounts(late)).toEqual([]);
    // Received after the run started but dated by Smile before it.
    const relayed = failed();
    applySmileEvent(relayed, event('ACCOUNT_CONNECTED', { ...before, receivedAt: inRun.receivedAt }));
    expect(runAccounts(relayed)).toEqual([]);
    // Smile's account list shows it connected, created before the run.
    const listed = failed();
    applyListedAccount(listed, { accountId: 'a-1', providerId: 'sss', createdAt: before.createdAt });
    expect(runAccounts(listed)).toEqual([]);
  });

  it('an account of the run that disconnected and shows connected again is the run’s again', () => {
    const state = fresh();
    const inRun = { createdAt: '2026-01-01T00:00:00Z', receivedAt: '2026-01-01T00:00:00.300Z' };
    applySmileEvent(state, event('ACCOUNT_CONNECTED', inRun));
    applySmileEvent(state, event('ACCOUNT_DISCONNECTED', { createdAt: '2026-01-01T00:09:00Z' }));
    expect(runAccounts(state)).toEqual([]);
    // Listed again: Smile's createdAt is in the run's first second, which a list alone cannot place.
    applyListedAccount(state, { accountId: 'a-1', providerId: 'sss', createdAt: inRun.createdAt });
    expect(runAccounts(state).map((a) => a.accountId)).toEqual(['a-1']);
  });

  it('follows an account from created to connected to synced', () => {
    const state = fresh();
    applySmileEvent(state, event('ACCOUNT_CREATED'));
    expect(isConnected(state)).toBe(false);
    applySmileEvent(state, event('ACCOUNT_CONNECTED'));
    expect(isConnected(state)).toBe(true);
    applySmileEvent(state, event('EMPLOYMENTS_ADDED'));
    expect(state.datapoints.employments).toBe('RECEIVED');
    const finished = event('TASK_FINISHED', { hasPayload: true, datapoints: ['IDENTITIES', 'CONTRIBUTIONS'] });
    applySmileEvent(state, finished);
    expect(currentSync(state)?.eventId).toBe(finished.eventId);
    expect(state.datapoints).toMatchObject({ identity: 'RECEIVED', contributions: 'RECEIVED', incomes: 'PENDING' });
  });

  it('handles an event twice with one effect', () => {
    const state = fresh();
    const failed = event('ACCOUNT_FAILED', { errorCode: 'INVALID_CREDENTIALS' });
    expect(applySmileEvent(state, failed)).toBe(true);
    expect(applySmileEvent(state, failed)).toBe(false);
    expect(state.failures).toBe(1);
    expect(state.accounts).toEqual([
      { accountId: 'a-1', providerId: 'sss', status: 'FAILED', errorCode: 'INVALID_CREDENTIALS' },
    ]);
  });

  it('ignores events of another Smile user', () => {
    const state = fresh();
    expect(applySmileEvent(state, event('ACCOUNT_CONNECTED', { smileUserId: 'tenantId-other' }))).toBe(false);
    expect(state.accounts).toEqual([]);
  });

  it('does not let a late ACCOUNT_CREATED undo a connection (events out of order)', () => {
    const state = fresh();
    applySmileEvent(state, event('ACCOUNT_CONNECTED'));
    applySmileEvent(state, event('ACCOUNT_CREATED'));
    expect(isConnected(state)).toBe(true);
  });

  it('starts the sync over after a disconnect', () => {
    const state = fresh();
    applySmileEvent(state, event('ACCOUNT_CONNECTED'));
    applySmileEvent(state, event('TASK_FINISHED'));
    applySmileEvent(state, event('ACCOUNT_DISCONNECTED'));
    expect(isConnected(state)).toBe(false);
    expect(currentSync(state)).toBeUndefined();
    applySmileEvent(state, event('ACCOUNT_CONNECTED', { accountId: 'a-2' }));
    applySmileEvent(state, event('TASK_FINISHED', { accountId: 'a-2' }));
    expect(currentSync(state)?.accountId).toBe('a-2');
  });

  it('treats an analysed upload as a connected source', () => {
    const state = fresh();
    applySmileEvent(state, event('ARCHIVE_ANALYZED', { accountId: 'ar-1' }));
    expect(isConnected(state)).toBe(true);
  });

  it('remembers a bounded number of event ids', () => {
    const state = fresh();
    for (let i = 0; i < SEEN_EVENT_IDS_LIMIT + 50; i++) applySmileEvent(state, event('TASK_STARTED'));
    expect(state.seenEventIds).toHaveLength(SEEN_EVENT_IDS_LIMIT);
  });

  it('changes nothing for unknown event types', () => {
    const state = fresh();
    expect(applySmileEvent(state, event('SOMETHING_NEW'))).toBe(false);
    expect(state.accounts).toEqual([]);
  });
});

describe('Smile states: failed syncs, invites and archives', () => {
  const scoped = (state: ReturnType<typeof fresh>, type: string, extra: Partial<SmileEventRef> = {}) =>
    applySmileEvent(state, event(type, extra));

  it('a TASK_FINISHED with status FAILED is not a sync: the run keeps waiting', () => {
    const state = fresh();
    scoped(state, 'ACCOUNT_CONNECTED');
    scoped(state, 'TASK_FINISHED', { status: 'FAILED', datapoints: ['IDENTITIES'] });
    expect(currentSync(state)).toBeUndefined();
    expect(state.datapoints.identity).toBe('PENDING');
    expect(state.accounts[0]).toMatchObject({ status: 'CONNECTED', sync: { status: 'FAILED' } });
    scoped(state, 'TASK_FINISHED', { status: 'SUCCEEDED' });
    expect(currentSync(state)?.accountId).toBe('a-1');
    expect(runAccounts(state)).toEqual([
      expect.objectContaining({
        accountId: 'a-1',
        connectedAt: '2026-01-01T00:00:00Z',
        lastSyncAt: expect.any(String),
      }),
    ]);
  });

  it('INVITE_LINKED connects without an account id; its first sync names the account', () => {
    const state = fresh();
    scoped(state, 'INVITE_LINKED', { accountId: undefined });
    expect(isConnected(state)).toBe(true);
    expect(runAccounts(state)).toEqual([]);
    scoped(state, 'TASK_FINISHED', { accountId: 'a-7', sourceType: 'ACCOUNT' });
    expect(runAccounts(state).map((a) => a.accountId)).toEqual(['a-7']);
    expect(currentSync(state)?.accountId).toBe('a-7');
  });

  it('ARCHIVE_FAILED is a failed attempt; ARCHIVE_REVOKED a disconnect', () => {
    const state = fresh();
    scoped(state, 'ARCHIVE_FAILED', { accountId: 'ar-1', errorCode: 'FILE_UNABLE_TO_RECOGNIZE' });
    expect(state.failures).toBe(1);
    scoped(state, 'ARCHIVE_ANALYZED', { accountId: 'ar-2' });
    expect(isConnected(state)).toBe(true);
    scoped(state, 'ARCHIVE_REVOKED', { accountId: 'ar-2' });
    expect(isConnected(state)).toBe(false);
    expect(state.connectionEpoch).toBe(1);
  });

  it("another account's sync never counts for the run, and arrives in time when its account connects late", () => {
    const state = fresh();
    scoped(state, 'ACCOUNT_SYNC_TASK_FINISHED', { accountId: 'a-old' });
    scoped(state, 'TASK_FINISHED', { accountId: 'a-new' });
    expect(currentSync(state)).toBeUndefined();
    scoped(state, 'ACCOUNT_CONNECTED', { accountId: 'a-new' });
    expect(currentSync(state)?.accountId).toBe('a-new');
    expect(runAccounts(state).map((a) => a.accountId)).toEqual(['a-new']);
  });
});

describe('widget events', () => {
  it('are hints that never connect or decide', () => {
    const state = fresh();
    applyWidgetEvent(state, { callback: 'onAccountConnected', accountId: 'a-1', receivedAt: '2026-01-01T00:00:00Z' });
    expect(isConnected(state)).toBe(false);
    expect(state.widgetHint).toBe('onAccountConnected');
    expect(state.decision).toBeUndefined();
  });
});

describe('the status document', () => {
  it('carries partner params and no applicant data', () => {
    const state = fresh();
    const input = { externalUserId: 'u1', requestId: 'r', policy: resolvePolicy(), partnerParams: { loan: 'L-1' } };
    const doc = statusDocument(state, input, 'verification-u1', 'run-1');
    expect(doc).toMatchObject({
      verificationId: 'verification-u1',
      externalUserId: 'u1',
      status: 'AWAITING_CONNECTION',
      partnerParams: { loan: 'L-1' },
    });
    expect(Object.keys(doc)).not.toContain('applicant');
  });
});
