import { randomBytes } from 'node:crypto';
import { SandboxError, smileId } from './envelope.js';
import { NO_FAULTS, type Faults } from './faults.js';
import type { SandboxInvite } from './invites.js';
import type { KycJob } from './kyc/jobs.js';
import type { ArchiveRecord } from './uploads.js';

export interface SandboxUser {
  id: string;
  externalMetadata: Record<string, string> | null;
  createdAt: string;
  providers: string[];
}

export interface SandboxToken {
  id: string;
  userId: string;
  accessToken: string;
  expiresAt: string;
  mode: 'SANDBOX';
  expiresAtMs: number;
}

export type MonitorStatus = 'UNSUPPORTED' | 'ACTIVE' | 'CUSTOMER_DISABLED';
export type ConnectionStatus = 'PENDING' | 'AWAITING_MFA' | 'ERROR' | 'CONNECTED' | 'DISCONNECTED';

/** Smile's Account object (tag-accounts.md). */
export interface SandboxAccount {
  id: string;
  createdAt: string;
  providerId: string;
  userId: string;
  connectionStatus: ConnectionStatus;
  connection: { status: ConnectionStatus; errorCode: string | null; errorMessage: string | null; updatedAt: string };
  /** Smile's continuous data sync: ACTIVE once connected, CUSTOMER_DISABLED after `disableMonitor`. */
  monitorStatus: MonitorStatus;
  monitor: { status: MonitorStatus; updatedAt: string };
}

/** What the sandbox knows about an account beyond what Smile shows. */
export interface AccountRecord {
  account: SandboxAccount;
  loginName: string;
  personaKey: string | undefined;
}

/** The datapoints the sandbox serves: resource path, id prefix, datapoint name and `*_ADDED` event. */
export const DATAPOINTS = {
  identities: { prefix: 'i', datapoint: 'IDENTITIES', event: 'IDENTITY_ADDED', payloadKey: 'identity' },
  employments: { prefix: 'e', datapoint: 'EMPLOYMENTS', event: 'EMPLOYMENTS_ADDED', payloadKey: 'employments' },
  contributions: {
    prefix: 'con',
    datapoint: 'CONTRIBUTIONS',
    event: 'CONTRIBUTIONS_ADDED',
    payloadKey: 'contributions',
  },
  incomes: { prefix: 'inc', datapoint: 'INCOMES', event: 'INCOMES_ADDED', payloadKey: 'incomes' },
  eincomes: { prefix: 'einc', datapoint: 'EINCOMES', event: 'EINCOMES_ADDED', payloadKey: 'eincomes' },
} as const;
export type DatapointKind = keyof typeof DATAPOINTS;
export const DATAPOINT_KINDS = Object.keys(DATAPOINTS) as DatapointKind[];

export interface RecordMetadata {
  createdAt: string;
  itemCreatedAt: string;
  sourceId: string;
  sourceType: 'ACCOUNT';
  userId: string;
  providerId: string;
  accountId: string;
}
export type DataRecord = { id: string; metadata: RecordMetadata } & Record<string, unknown>;

export interface SandboxWebhook {
  id: string;
  createdAt: string;
  name: string;
  url: string;
  secret: string;
  eventTypes: string[];
  active: boolean;
  includePayload: boolean;
  updatedAt: string;
}

export interface WebhookEvent {
  id: string;
  version: 1;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

export interface DeliveryAttempt {
  eventId: string;
  type: string;
  webhookId: string;
  attempt: number;
  /** The receiver's HTTP status; null when unreachable or when a fault failed the attempt. */
  status: number | null;
  delivered: boolean;
  simulatedFailure: boolean;
}

/** Smile link tokens live 5 hours; tests shorten this through the faults endpoint. */
export const DEFAULT_TOKEN_TTL_SECONDS = 5 * 60 * 60;

/** The sandbox's whole memory. Nothing persists: a restart is a clean Smile tenant. */
export class SandboxState {
  readonly users = new Map<string, SandboxUser>();
  readonly tokens = new Map<string, SandboxToken>();
  readonly accounts = new Map<string, AccountRecord>();
  readonly records: Record<DatapointKind, Map<string, DataRecord>> = {
    identities: new Map(),
    employments: new Map(),
    contributions: new Map(),
    incomes: new Map(),
    eincomes: new Map(),
  };
  readonly webhooks = new Map<string, SandboxWebhook>();
  /** Every event the sandbox emitted (before faults), in order. */
  readonly events: (WebhookEvent & { userId: string })[] = [];
  readonly deliveries: DeliveryAttempt[] = [];
  /** When each authenticated Smile API request arrived (epoch ms), and for which `userId` query, the last REQUEST_LOG_LIMIT of them. */
  readonly requests: { at: number; method: string; path: string; userId?: string }[] = [];
  readonly kycJobs = new Map<string, KycJob>();
  readonly invites = new Map<string, SandboxInvite>();
  /** Uploaded documents (`PAYSLIP` archives) and Smile's extraction of each. */
  readonly archives = new Map<string, ArchiveRecord>();
  faults: Faults = { ...NO_FAULTS };

  constructor(public now: () => Date = () => new Date()) {}

  get tokenTtlSeconds(): number {
    return this.faults.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  }

  nowIso(): string {
    return isoSeconds(this.now());
  }

  createUser(externalMetadata: Record<string, string> | null): SandboxUser {
    const user = { id: smileId('tenantId'), externalMetadata, createdAt: this.nowIso(), providers: [] };
    this.users.set(user.id, user);
    return user;
  }

  issueToken(userId: string): SandboxToken {
    const expiresAtMs = this.now().getTime() + this.tokenTtlSeconds * 1_000;
    const token: SandboxToken = {
      id: smileId('tk'),
      userId,
      accessToken: randomBytes(48).toString('base64url'),
      expiresAt: isoSeconds(new Date(expiresAtMs)),
      mode: 'SANDBOX',
      expiresAtMs,
    };
    this.tokens.set(token.accessToken, token);
    return token;
  }

  /** The live token behind a userToken; 401 INVALID_TOKEN when unknown or expired. */
  validToken(accessToken: unknown): SandboxToken {
    const token = typeof accessToken === 'string' ? this.tokens.get(accessToken) : undefined;
    if (!token) throw new SandboxError('INVALID_TOKEN', 'Unknown user token');
    if (token.expiresAtMs <= this.now().getTime()) throw new SandboxError('INVALID_TOKEN', 'User token expired');
    return token;
  }

  /** Records of one kind that belong to an account (all of its datapoints of that kind). */
  recordsOf(kind: DatapointKind, accountId: string): DataRecord[] {
    return [...this.records[kind].values()].filter((r) => r.metadata.accountId === accountId);
  }
}

/** Smile writes date-times without milliseconds: `2021-04-14T09:30:24Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
