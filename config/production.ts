import { DEV_API_KEY, envSchema, type Env } from './env.js';

/**
 * Production fails closed: every secret and endpoint below must be
 * set, and none may keep its sandbox or dev default, since those are public (they
 * are in this repository). Anyone knowing the sandbox webhook secret could sign
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

export interface ConfigIssue {
  variable: string;
  message: string;
}

function issueOf(variable: keyof Env, present: Record<string, unknown>, env: Env): ConfigIssue | undefined {
  if (present[variable] === undefined) return { variable, message: 'must be set in production' };
  const isDefault = JSON.stringify(env[variable]) === JSON.stringify(DEFAULTS[variable]);
  if (isDefault) return { variable, message: 'is the public sandbox/dev default; production needs its own value' };
  if (variable === 'API_KEYS' && env.API_KEYS.some((key) => key.secret === DEV_API_KEY))
    return { variable, message: `the dev key ${DEV_API_KEY} cannot be used in production` };
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
