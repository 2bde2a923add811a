import { DEV_API_KEY, envSchema, type Env } from './env.js';

/**
 * Production fails closed: every secret and endpoint below must be
 * set, and none may mean the same as a sandbox or dev default, since those are public (they
 * are in this repository): keys are compared by their decoded bytes, not their spelling. Anyone knowing the sandbox webhook secret could sign
 * Smile events and approve whomever they like.
 */
export const PRODUCTION_REQUIRED = [
  'API_KEYS',
  'PAYLOAD_ENCRYPTION_KEY',
  'DATABASE_URL',
  'SMILE_API_URL',
  'SMILE_API_KEY',
  'SMILE_API_SECRET',
  'SMILE_WEBHOOK_SECRET',
  'RESULT_CALLBACK_SECRET',
  'PUBLIC_URL',
] as const satisfies readonly (keyof Env)[];

/** KYC is optional: these are set together, or not at all (then a policy asking for KYC is a 400). */
export const SMILE_ID_VARIABLES = ['SMILE_ID_URL', 'SMILE_ID_PARTNER_ID', 'SMILE_ID_API_KEY'] as const;

/** Every default of the schema, as `loadConfig` would fill it in. */
const DEFAULTS: Env = envSchema.parse({});

/**
 * deploy/sandbox.env's values, public like the defaults (a unit test keeps this list in step with
 * the file); the ones it shares with the defaults are not repeated.
 */
const SANDBOX_ENV_VALUES: Partial<Record<keyof Env, string>> = {
  API_KEYS: 'sandbox-compose-api-key',
  PAYLOAD_ENCRYPTION_KEY: 'C+wtPYK8ExGqvPXq7UCFSE7FROSsIKkajsd1xthKQek=',
  SMILE_API_URL: 'http://sandbox:3100/v1',
  SMILE_ID_URL: 'http://sandbox:3100/smile-id/v1',
  RESULT_CALLBACK_SECRET: 'whsec_c2FuZGJveC1jb21wb3NlLWNhbGxiYWNrLXNlY3JldA==',
};

/**
 * What a value means, compared byte for byte: a key's decoded bytes (base64, or base64 after
 * `whsec_`), so another spelling of the same key (padding bits, say) is the same key; a URL as
 * parsed; any other secret as it is written.
 */
function meaning(variable: keyof Env, value: unknown): string {
  const text = String(value);
  if (variable === 'PAYLOAD_ENCRYPTION_KEY') return Buffer.from(text, 'base64').toString('hex');
  if (variable === 'RESULT_CALLBACK_SECRET') return Buffer.from(text.replace(/^whsec_/, ''), 'base64').toString('hex');
  if (variable.endsWith('_URL')) {
    try {
      return new URL(text).href.replace(/\/$/, '');
    } catch {
      return text;
    }
  }
  return text;
}

/** Whether `variable`'s value means the same as a dev or sandbox default. */
function isPublicValue(variable: keyof Env, env: Env): boolean {
  if (variable === 'API_KEYS') {
    const publicSecrets = new Set([DEV_API_KEY, SANDBOX_ENV_VALUES.API_KEYS]);
    return env.API_KEYS.some((key) => publicSecrets.has(key.secret));
  }
  const own = meaning(variable, env[variable]);
  const defaults = [DEFAULTS[variable], SANDBOX_ENV_VALUES[variable]].filter((value) => value !== undefined);
  return defaults.some((value) => meaning(variable, value) === own);
}

export interface ConfigIssue {
  variable: string;
  message: string;
}

function issueOf(variable: keyof Env, present: Record<string, unknown>, env: Env): ConfigIssue | undefined {
  if (present[variable] === undefined) return { variable, message: 'must be set in production' };
  if (variable === 'API_KEYS' && env.API_KEYS.some((key) => key.secret === DEV_API_KEY))
    return { variable, message: `the dev key ${DEV_API_KEY} cannot be used in production` };
  if (isPublicValue(variable, env))
    return { variable, message: 'is a public sandbox/dev default (in any spelling); production needs its own value' };
  return undefined;
}

/** What production refuses in this environment (empty outside production). */
export function productionIssues(present: Record<string, unknown>, env: Env): ConfigIssue[] {
  if (env.NODE_ENV !== 'production') return [];
  const issues = PRODUCTION_REQUIRED.map((variable) => issueOf(variable, present, env));
  if (SMILE_ID_VARIABLES.some((variable) => present[variable] !== undefined))
    issues.push(...SMILE_ID_VARIABLES.map((variable) => issueOf(variable, present, env)));
  if (env.DEMO_ENABLED)
    issues.push({
      variable: 'DEMO_ENABLED',
      message: "the demo starts verifications with the server's own key: never in production",
    });
  return issues.filter((issue): issue is ConfigIssue => issue !== undefined);
}

/** KYC is configured in development and test (the sandbox's values), and in production when its variables are set. */
export const kycConfigured = (present: Record<string, unknown>, env: Env) =>
  env.NODE_ENV !== 'production' || SMILE_ID_VARIABLES.every((variable) => present[variable] !== undefined);
