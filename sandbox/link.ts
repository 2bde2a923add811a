import { decisionDay } from '../decide/read.js';
import { SandboxError, smileId } from './envelope.js';
import { inviteLinked } from './invites.js';
import { personaData } from './persona-data.js';
import {
  DATAPOINT_KINDS,
  DATAPOINTS,
  type AccountRecord,
  type ConnectionStatus,
  type DataRecord,
  type MonitorStatus,
  type SandboxState,
} from './state.js';
import { findPersona, SANDBOX_PERSONAS } from './users.js';
import type { PendingEvent } from './webhooks/dispatcher.js';
import { taskPayload } from './webhooks/payload.js';

/**
 * What Smile's back end does while a user links an account in the Wink
 * widget. Each step appends the webhook events it causes to `burst`; the
 * caller publishes the burst.
 */

const ERROR_MESSAGES: Record<string, string> = {
  INVALID_CREDENTIALS: 'The username or password is incorrect',
  INVALID_MFA: 'The verification code is incorrect',
};

function setStatus(
  state: SandboxState,
  record: AccountRecord,
  status: ConnectionStatus,
  errorCode: string | null = null,
) {
  const updatedAt = state.nowIso();
  record.account.connectionStatus = status;
  record.account.connection = {
    status,
    errorCode,
    errorMessage: errorCode ? (ERROR_MESSAGES[errorCode] ?? errorCode) : null,
    updatedAt,
  };
}

const accountData = (record: AccountRecord) => ({
  userId: record.account.userId,
  accountId: record.account.id,
  providers: [record.account.providerId],
});

function setMonitor(state: SandboxState, record: AccountRecord, status: MonitorStatus) {
  record.account.monitorStatus = status;
  record.account.monitor = { status, updatedAt: state.nowIso() };
}

/** `POST /accounts/:id/disableMonitor`: Smile stops the account's continuous data sync (idempotent). */
export function disableMonitor(state: SandboxState, record: AccountRecord): void {
  if (record.account.monitorStatus !== 'CUSTOMER_DISABLED') setMonitor(state, record, 'CUSTOMER_DISABLED');
}

/** The login screen: the account is created (ACCOUNT_CREATED); a wrong password fails it (ACCOUNT_FAILED). */
export function login(
  state: SandboxState,
  userId: string,
  input: { username: string; password: string; providerId?: string | undefined },
  burst: PendingEvent[],
): AccountRecord {
  const persona = findPersona(input.username);
  const providerId = input.providerId ?? persona?.providerId ?? SANDBOX_PERSONAS[0]!.providerId;
  const now = state.nowIso();
  const record: AccountRecord = {
    account: {
      id: smileId('a'),
      createdAt: now,
      providerId,
      userId,
      connectionStatus: 'PENDING',
      connection: { status: 'PENDING', errorCode: null, errorMessage: null, updatedAt: now },
      monitorStatus: 'UNSUPPORTED',
      monitor: { status: 'UNSUPPORTED', updatedAt: now },
    },
    loginName: input.username,
    personaKey: persona?.key,
  };
  state.accounts.set(record.account.id, record);
  burst.push({ type: 'ACCOUNT_CREATED', data: accountData(record) });
  if (!persona || persona.password !== input.password) {
    fail(state, record, 'INVALID_CREDENTIALS', burst);
  } else {
    setStatus(state, record, 'AWAITING_MFA');
  }
  return record;
}

export function fail(state: SandboxState, record: AccountRecord, errorCode: string, burst: PendingEvent[]): void {
  setStatus(state, record, 'ERROR', errorCode);
  burst.push({
    type: 'ACCOUNT_FAILED',
    data: {
      ...accountData(record),
      loginName: record.loginName,
      errorCode,
      errorMessage: record.account.connection.errorMessage,
    },
  });
}

/** The MFA screen: the right code connects the account and syncs its data; a wrong one fails it. */
export function verifyMfa(state: SandboxState, record: AccountRecord, code: string, burst: PendingEvent[]): void {
  if (record.account.connectionStatus !== 'AWAITING_MFA') {
    throw new SandboxError(
      'INVALID_PARAMETERS',
      `Account is ${record.account.connectionStatus}, not awaiting a verification code`,
    );
  }
  const persona = SANDBOX_PERSONAS.find((p) => p.key === record.personaKey)!;
  if (code !== persona.mfaCode) return fail(state, record, 'INVALID_MFA', burst);
  setStatus(state, record, 'CONNECTED');
  setMonitor(state, record, 'ACTIVE');
  const user = state.users.get(record.account.userId);
  if (user && !user.providers.includes(record.account.providerId)) user.providers.push(record.account.providerId);
  burst.push({ type: 'ACCOUNT_CONNECTED', data: { ...accountData(record), loginName: record.loginName } });
  // A user who came by an invite has now linked through it: INVITE_LINKED, then the data events.
  for (const invite of state.invites.values())
    if (invite.userId === record.account.userId) inviteLinked(state, invite, burst);
  sync(state, record, burst);
}

/** The first sync of a connected account: TASK_STARTED, the `*_ADDED` events, TASK_FINISHED (FAILED under `failSyncs`). */
function sync(state: SandboxState, record: AccountRecord, burst: PendingEvent[]): void {
  const { account } = record;
  const persona = SANDBOX_PERSONAS.find((p) => p.key === record.personaKey)!;
  const data = personaData(persona, state.now());
  const source = {
    userId: account.userId,
    sourceId: account.id,
    sourceType: 'ACCOUNT',
    taskType: 'LINK_ACCOUNT',
    providers: [account.providerId],
  };
  burst.push({ type: 'TASK_STARTED', data: source });
  if (state.faults.failSyncs) {
    burst.push({
      type: 'TASK_FINISHED',
      data: { ...source, status: 'FAILED', errorCode: 'SYNC_FAILED', datapoints: [] },
    });
    return;
  }
  const createdAt = state.nowIso();
  const metadata = {
    createdAt,
    itemCreatedAt: createdAt,
    sourceId: account.id,
    sourceType: 'ACCOUNT' as const,
    userId: account.userId,
    providerId: account.providerId,
    accountId: account.id,
  };
  const datapoints: string[] = [];
  for (const kind of DATAPOINT_KINDS) {
    const rows = kind === 'identities' ? [data.identity] : data[kind];
    if (rows.length === 0) continue;
    const { prefix, datapoint, event } = DATAPOINTS[kind];
    const stored = rows.map((row) => ({ id: smileId(prefix), ...row, metadata }) as DataRecord);
    for (const r of stored) state.records[kind].set(r.id, r);
    datapoints.push(datapoint);
    const detail = kind === 'identities' ? { identityId: stored[0]!.id } : { count: stored.length };
    burst.push({
      type: event,
      data: { userId: account.userId, accountId: account.id, ...detail, providers: [account.providerId] },
    });
  }
  burst.push({
    type: 'TASK_FINISHED',
    data: { ...source, status: 'SUCCEEDED', datapoints },
    payload: () => taskPayload(state, account.id),
  });
}

/** Revoking access (widget or `DELETE /accounts/:id`): the data goes, ACCOUNT_DISCONNECTED. */
export function revoke(state: SandboxState, record: AccountRecord, burst: PendingEvent[]): void {
  for (const kind of DATAPOINT_KINDS) {
    for (const r of state.recordsOf(kind, record.account.id)) state.records[kind].delete(r.id);
  }
  setStatus(state, record, 'DISCONNECTED');
  burst.push({ type: 'ACCOUNT_DISCONNECTED', data: accountData(record) });
}

/** The accounts of a user's token, for the widget's own screens. */
export function accountOf(state: SandboxState, userId: string, accountId: string): AccountRecord {
  const record = state.accounts.get(accountId);
  if (!record || record.account.userId !== userId) throw new SandboxError('MISSING_RESOURCE', 'Account not found');
  return record;
}

/** What a provider's monthly refresh changed (`POST /sandbox/v1/accounts/:id/sync`). */
export interface RefreshChanges {
  /** The current employment ended: its endDate becomes yesterday (the provider's day), so it is no longer current. */
  endEmployment?: boolean | undefined;
  /** The provider corrected when the current employment began (`YYYY-MM-DD`). */
  employmentStartDate?: string | undefined;
  /** Every paid and estimated income's gross and net amount multiplied by this. */
  incomeFactor?: number | undefined;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Smile's continuous data sync of a connected account: the changes are applied
 * to its records in place (same ids, as a refresh updates them), then
 * ACCOUNT_SYNC_TASK_FINISHED with the datapoints it holds (and the payload).
 */
export function refresh(state: SandboxState, record: AccountRecord, changes: RefreshChanges, burst: PendingEvent[]) {
  const { account } = record;
  if (account.connectionStatus !== 'CONNECTED')
    throw new SandboxError('INVALID_PARAMETERS', `Account is ${account.connectionStatus}, not connected`);
  // A job is current through its endDate, by the provider's local day (Manila's and Jakarta's differ for an
  // hour each night): an ended one ended yesterday there, the day the decision engine reads for this provider.
  const yesterday = decisionDay(new Date(state.now().getTime() - 86_400_000).toISOString(), account.providerId);
  const touch = (r: DataRecord) => (r.metadata = { ...r.metadata, createdAt: state.nowIso() });
  const open = (job: DataRecord) => job.endDate === null || job.endDate === undefined;
  if (changes.employmentStartDate)
    for (const job of state.recordsOf('employments', account.id))
      if (open(job)) touch(Object.assign(job, { startDate: changes.employmentStartDate }));
  if (changes.endEmployment)
    for (const job of state.recordsOf('employments', account.id))
      if (open(job)) touch(Object.assign(job, { endDate: yesterday }));
  if (changes.incomeFactor !== undefined && changes.incomeFactor !== 1)
    for (const kind of ['incomes', 'eincomes'] as const)
      for (const item of state.recordsOf(kind, account.id)) {
        for (const key of ['grossAmount', 'netAmount'])
          if (typeof item[key] === 'number') item[key] = round2((item[key] as number) * changes.incomeFactor);
        touch(item);
      }
  const datapoints = DATAPOINT_KINDS.filter((kind) => state.recordsOf(kind, account.id).length > 0).map(
    (kind) => DATAPOINTS[kind].datapoint,
  );
  burst.push({
    type: 'ACCOUNT_SYNC_TASK_FINISHED',
    data: {
      userId: account.userId,
      sourceId: account.id,
      sourceType: 'ACCOUNT',
      providers: [account.providerId],
      status: 'SUCCEEDED',
      monitorStatus: account.monitorStatus,
      // Spelt as in Smile's own example of this event (tag-accounts.md).
      dataPoints: datapoints,
    },
    payload: () => taskPayload(state, account.id),
  });
}
