import { randomBytes } from 'node:crypto';
import { smileId } from './envelope.js';

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
}

/** Smile link tokens live 5 hours; tests shorten this through the faults endpoint. */
export const DEFAULT_TOKEN_TTL_SECONDS = 5 * 60 * 60;

/** The sandbox's whole memory. Nothing persists: a restart is a clean Smile tenant. */
export class SandboxState {
  readonly users = new Map<string, SandboxUser>();
  readonly tokens = new Map<string, SandboxToken>();
  tokenTtlSeconds = DEFAULT_TOKEN_TTL_SECONDS;

  constructor(private readonly now: () => Date = () => new Date()) {}

  createUser(externalMetadata: Record<string, string> | null): SandboxUser {
    const user = { id: smileId('tenantId'), externalMetadata, createdAt: isoSeconds(this.now()), providers: [] };
    this.users.set(user.id, user);
    return user;
  }

  issueToken(userId: string): SandboxToken {
    const expiresAt = new Date(this.now().getTime() + this.tokenTtlSeconds * 1_000);
    const token: SandboxToken = {
      id: smileId('tk'),
      userId,
      accessToken: randomBytes(48).toString('base64url'),
      expiresAt: isoSeconds(expiresAt),
      mode: 'SANDBOX',
    };
    this.tokens.set(token.accessToken, token);
    return token;
  }
}

/** Smile writes date-times without milliseconds: `2021-04-14T09:30:24Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
