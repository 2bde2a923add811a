/**
 * The sandbox's test users, with the credentials Smile
 * publishes for its own sandbox (api-conventions.md, "Testing in Sandbox
 * Mode") and the outcome each reaches under the default policy.
 * Tests import these rather than repeating credentials.
 */
export type SandboxOutcome = 'APPROVED' | 'REVIEW' | 'DECLINED';

export interface SandboxPersona {
  key: 'george' | 'ryan' | 'christina' | 'anisha' | 'maria';
  /** What the user types in the Wink login screen (the email; the phone number works too). */
  username: string;
  password: string;
  /** Every sandbox user's verification code is 1234. */
  mfaCode: string;
  /** The applicant name that matches the identity the provider returns. */
  fullName: string;
  phone: string;
  /** The data provider the account is linked to (the widget preselects it). */
  providerId: string;
  providerName: string;
  expected: { outcome: SandboxOutcome; reasons: readonly string[]; datapoints: readonly string[] };
}

export const SANDBOX_USERS = {
  george: {
    key: 'george',
    username: 'gpalomero1234@smileapi.io',
    password: '123456',
    mfaCode: '1234',
    fullName: 'George Palomero Jr.',
    phone: '+639559991234',
    providerId: 'sss_ph',
    providerName: 'Social Security System (PH)',
    expected: {
      outcome: 'APPROVED',
      reasons: [],
      datapoints: ['IDENTITIES', 'EMPLOYMENTS', 'CONTRIBUTIONS', 'INCOMES', 'EINCOMES'],
    },
  },
  ryan: {
    key: 'ryan',
    username: 'ryan1234@smileapi.io',
    password: '654321',
    mfaCode: '1234',
    fullName: 'Ryan Ng',
    phone: '+628119994321',
    providerId: 'bpjs_tk_id',
    providerName: 'BPJS Ketenagakerjaan (ID)',
    expected: {
      outcome: 'REVIEW',
      reasons: ['CONTRIBUTION_GAP'],
      datapoints: ['IDENTITIES', 'EMPLOYMENTS', 'CONTRIBUTIONS', 'EINCOMES'],
    },
  },
  christina: {
    key: 'christina',
    username: 'christina4321@smileapi.io',
    password: 'YGUS1',
    mfaCode: '1234',
    fullName: 'Christina Tan',
    phone: '+6599996789',
    providerId: 'cpf_sg',
    providerName: 'Central Provident Fund (SG)',
    expected: {
      outcome: 'DECLINED',
      reasons: ['NO_CURRENT_EMPLOYMENT'],
      datapoints: ['IDENTITIES', 'EMPLOYMENTS', 'CONTRIBUTIONS'],
    },
  },
  anisha: {
    key: 'anisha',
    username: 'anisha98765@smileapi.io',
    password: '123456',
    mfaCode: '1234',
    fullName: 'Anisha Bhatia',
    phone: '+919511198765',
    providerId: 'epfo_in',
    providerName: 'Employees’ Provident Fund Organisation (IN)',
    expected: { outcome: 'REVIEW', reasons: ['MISSING_DATAPOINT'], datapoints: ['IDENTITIES'] },
  },
  maria: {
    key: 'maria',
    username: 'maria.santos@smileapi.io',
    password: '246810',
    mfaCode: '1234',
    fullName: 'Maria Clara Santos',
    phone: '+639171112468',
    providerId: 'sss_ph',
    providerName: 'Social Security System (PH)',
    expected: {
      outcome: 'APPROVED',
      reasons: [],
      datapoints: ['IDENTITIES', 'EMPLOYMENTS', 'CONTRIBUTIONS', 'INCOMES'],
    },
  },
} as const satisfies Record<string, SandboxPersona>;

export const SANDBOX_PERSONAS: readonly SandboxPersona[] = Object.values(SANDBOX_USERS);

/**
 * The webhooks a connect of George's account sends, in order: the account's two, then its first
 * sync with an `*_ADDED` event for each of his five kinds of data (a persona with less data skips
 * the kinds it lacks).
 */
export const GEORGE_CONNECT_EVENTS = [
  'ACCOUNT_CREATED',
  'ACCOUNT_CONNECTED',
  'TASK_STARTED',
  'IDENTITY_ADDED',
  'EMPLOYMENTS_ADDED',
  'CONTRIBUTIONS_ADDED',
  'INCOMES_ADDED',
  'EINCOMES_ADDED',
  'TASK_FINISHED',
] as const;

/** The providers the sandbox widget lists, one per test user's country (George and Maria share SSS). */
export const SANDBOX_PROVIDERS = [...new Map(SANDBOX_PERSONAS.map((p) => [p.providerId, p.providerName]))].map(
  ([id, name]) => ({ id, name }),
);

/** The persona a login name belongs to: its email (any case) or its phone number (digits only compared). */
export function findPersona(username: string): SandboxPersona | undefined {
  const login = username.trim().toLowerCase();
  const digits = login.replace(/\D/g, '');
  return SANDBOX_PERSONAS.find(
    (p) => p.username === login || (digits.length >= 8 && p.phone.replace(/\D/g, '') === digits),
  );
}
