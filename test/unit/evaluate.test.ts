import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type AccountData, type EvaluationInput, type Item } from '../../decide/evaluate.js';
import { canonicalJson, evidenceHash } from '../../decide/evidence.js';
import { nameScore } from '../../decide/names.js';
import { ENGINE_VERSION } from '../../decide/version.js';
import { changedCodes } from '../../activities/evaluation.js';
import { resolvePolicy, type PolicyOverrides } from '../../workflows/policy.js';
import { mapEntriesDeep } from '../support/json.js';

const NOW = '2026-11-15T12:00:00.000Z';
/** YYYY-MM-DD of the last day of the month n months before NOW. */
const monthsAgo = (n: number) => new Date(Date.UTC(2026, 10 - n + 1, 0)).toISOString().slice(0, 10);
const contributions = (months: number[]) =>
  months.map((n, i) => ({ id: `con-${i}`, date: monthsAgo(n), currency: 'PHP', amount: 1_000 }));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const account = (id: string, data: Partial<AccountData> = {}): AccountData => ({
  accountId: id,
  providerId: 'sss_ph',
  identities: [],
  employments: [],
  contributions: [],
  incomes: [],
  eincomes: [],
  ...data,
});
const george = (id = 'a-george', change: Partial<AccountData> = {}): AccountData =>
  account(id, {
    identities: [{ id: 'i-1', fullName: 'George Cimafranca Palomero, Jr', dob: '1970-08-24' }],
    employments: [{ id: 'e-1', employer: 'ABC Corporation', startDate: monthsAgo(26), endDate: null }],
    contributions: contributions(range(1, 24)),
    eincomes: [1, 2, 3].map((n) => ({
      id: `einc-${n}`,
      month: monthsAgo(n).slice(0, 7),
      currency: 'PHP',
      amount: 25_000,
    })),
    ...change,
  });
const christina = (id = 'a-christina'): AccountData =>
  account(id, {
    identities: [{ id: 'i-2', fullName: 'Christina Tan' }],
    employments: [{ id: 'e-2', startDate: monthsAgo(96), endDate: monthsAgo(48) }],
    contributions: contributions(range(49, 72)),
  });
const applicant = { fullName: 'George Palomero Jr.', dateOfBirth: '1970-08-24' };
const inputOf = (
  accounts: AccountData[],
  overrides: PolicyOverrides = {},
  who: EvaluationInput['applicant'] = applicant,
  kyc?: EvaluationInput['kyc'],
): EvaluationInput => ({
  engineVersion: ENGINE_VERSION,
  evaluatedAt: NOW,
  applicant: who,
  policy: resolvePolicy(overrides),
  accounts,
  ...(kyc ? { kyc } : {}),
});
const judged = (...args: Parameters<typeof inputOf>) => {
  const { outcome, reasons } = evaluate(inputOf(...args));
  return { outcome, failed: reasons.map((r) => `${r.code}:${r.result}`) };
};

describe('evaluate: every reason code', () => {
  it('approves George', () => expect(judged([george()])).toEqual({ outcome: 'APPROVED', failed: [] }));

  it.each<[string, string, AccountData[], PolicyOverrides, EvaluationInput['applicant']]>([
    ['NAME_MISMATCH:fail', 'DECLINED', [george()], {}, { fullName: 'Maria Santos' }],
    ['DOB_MISMATCH:fail', 'REVIEW', [george()], {}, { ...applicant, dateOfBirth: '1971-01-01' }],
    [
      'NO_CURRENT_EMPLOYMENT:fail',
      'DECLINED',
      [george('a', { employments: [{ id: 'e', startDate: monthsAgo(60), endDate: monthsAgo(40) }] })],
      {},
      applicant,
    ],
    [
      'TENURE_TOO_SHORT:fail',
      'REVIEW',
      [george('a', { employments: [{ id: 'e', startDate: monthsAgo(1), endDate: null }] })],
      {},
      applicant,
    ],
    [
      'INSUFFICIENT_CONTRIBUTIONS:fail',
      'REVIEW',
      [george('a', { contributions: contributions([1, 2, 3, 4]) })],
      { maxContributionGapMonths: 12 },
      applicant,
    ],
    [
      'CONTRIBUTION_GAP:fail',
      'REVIEW',
      [george('a', { contributions: contributions([1, 2, 3, 7, 8, 9, 10, 11, 12]) })],
      {},
      applicant,
    ],
    ['INCOME_BELOW_MINIMUM:fail', 'REVIEW', [george()], { minMonthlyIncome: { PHP: 30_000 } }, applicant],
    ['MISSING_DATAPOINT:fail', 'REVIEW', [george('a', { employments: [] })], {}, applicant],
  ])('%s → %s', (code, outcome, accounts, overrides, who) => {
    const result = judged(accounts, overrides, who);
    // A name that does not match also leaves the account's other data unjudged (cannot_judge).
    expect(result.failed.filter((f) => !f.endsWith(':cannot_judge') || code.endsWith(':cannot_judge'))).toEqual([code]);
    expect(result.outcome).toBe(outcome);
  });

  it('KYC_FAILED declines; a KYC without a result sends to review', () => {
    expect(judged([george()], {}, applicant, { status: 'REJECTED', resultCode: '1022' })).toEqual({
      outcome: 'DECLINED',
      failed: ['KYC_FAILED:fail'],
    });
    expect(judged([george()], {}, applicant, { status: 'TIMED_OUT' }).outcome).toBe('REVIEW');
    expect(judged([george()], {}, applicant, { status: 'APPROVED', resultCode: '1012' }).outcome).toBe('APPROVED');
  });

  it('cannot judge income in a currency without a minimum', () => {
    expect(judged([george()], { minMonthlyIncome: { SGD: 1_000 } })).toEqual({
      outcome: 'REVIEW',
      failed: ['INCOME_BELOW_MINIMUM:cannot_judge'],
    });
  });
});

describe('evaluate: what a decision judges (SPEC §6)', () => {
  it("declines George's applicant when the run's only account is Christina's", () => {
    const result = evaluate(inputOf([christina()]));
    expect(result.outcome).toBe('DECLINED');
    expect(result.reasons[0]).toMatchObject({ code: 'NAME_MISMATCH', result: 'fail' });
    // Christina's data does not count for George: none of it appears in what was judged.
    expect(result.findings.employments).toEqual([]);
    expect(result.findings.accounts).toEqual([
      { accountId: 'a-christina', providerId: 'sss_ph', identityMatched: false },
    ]);
  });

  it('a second account that does not match declines even when the first matches', () => {
    expect(judged([george(), christina()]).failed).toContain('NAME_MISMATCH:fail');
    expect(judged([george(), christina()]).outcome).toBe('DECLINED');
  });

  it('never passes the name rule by absence', () => {
    expect(judged([george()], {}, {}).failed).toEqual(
      expect.arrayContaining(['NAME_MISMATCH:cannot_judge', 'NO_CURRENT_EMPLOYMENT:cannot_judge']),
    );
    expect(judged([george()], {}, {}).outcome).toBe('REVIEW');
    const nameless = george('a', { identities: [{ id: 'i-x', fullName: null, dob: '1970-08-24' }] });
    expect(judged([nameless]).failed[0]).toBe('NAME_MISMATCH:cannot_judge');
    expect(judged([george('a', { identities: [] })]).failed).toContain('NAME_MISMATCH:cannot_judge');
    expect(judged([], {}, { fullName: 'George Palomero' }).failed).toEqual([
      'MISSING_DATAPOINT:fail',
      'NAME_MISMATCH:cannot_judge',
      'NO_CURRENT_EMPLOYMENT:cannot_judge',
      'TENURE_TOO_SHORT:cannot_judge',
      'INSUFFICIENT_CONTRIBUTIONS:cannot_judge',
      'CONTRIBUTION_GAP:cannot_judge',
    ]);
  });

  it('reads unreadable values as cannot-judge, naming what was unreadable', () => {
    const bad = evaluate(
      inputOf([george('a', { employments: [{ id: 'e-9', startDate: 'last spring', endDate: null }] })]),
    ).reasons;
    expect(bad).toEqual([
      { code: 'TENURE_TOO_SHORT', result: 'cannot_judge', message: expect.stringContaining('e-9') },
    ]);
    const dates = judged([george('a', { contributions: [{ id: 'c-1', date: 'yesterday' }] })]).failed;
    expect(dates).toEqual(['INSUFFICIENT_CONTRIBUTIONS:cannot_judge', 'CONTRIBUTION_GAP:cannot_judge']);
    const income = (item: Item) =>
      evaluate(inputOf([george('a', { incomes: [item] })], { minMonthlyIncome: { PHP: 1 } })).reasons[0];
    const paid = { id: 'inc-1', startDate: monthsAgo(1).slice(0, 8) + '01', endDate: monthsAgo(1), currency: 'PHP' };
    expect(income({ ...paid, grossAmount: '10000' })?.message).toContain('grossAmount');
    expect(income({ ...paid, grossAmount: null })?.message).toContain('grossAmount');
    expect(income({ ...paid, grossAmount: 1, currency: 'XYZ' })?.message).toContain('currency');
    expect(income({ ...paid, grossAmount: 1, frequency: 'Fortnightly' })?.message).toContain('pay period');
    expect(income({ ...paid, grossAmount: 1, endDate: '31/10/2026' })?.message).toContain('pay period end');
  });
});

describe('evidence', () => {
  it('hashes the canonical JSON: key order does not matter, values do', () => {
    const input = inputOf([george()]);
    const shuffled = mapEntriesDeep(input, (entries) => entries.reverse()) as EvaluationInput;
    expect(Object.keys(shuffled)).toEqual(Object.keys(input).reverse());
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
    expect(evidenceHash(shuffled)).toBe(evidenceHash(structuredClone(input)));
    expect(evidenceHash(input)).toMatch(/^[0-9a-f]{64}$/);
    expect(evidenceHash({ ...input, evaluatedAt: '2026-11-16T00:00:00.000Z' })).not.toBe(evidenceHash(input));
  });
});

describe('name matching', () => {
  it.each([
    ['George Palomero Jr.', 'George Cimafranca Palomero, Jr', 1],
    ['PALOMERO george', 'George Palomero', 1],
    ['José Rizal', 'Jose Rizal', 1],
    ['George Smith', 'George Palomero', 0],
    ['Maria Santos', 'George Palomero', 0],
    ['George Michael Palomero', 'George Cimafranca Palomero', 2 / 3],
  ])('%s ~ %s = %d', (a, b, score) => expect(nameScore(a, { fullName: b })).toBe(score));
});

const junk = fc.oneof(
  fc.constant(null),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constant(undefined),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);
const junkItem = fc.dictionary(
  fc.constantFrom(
    ...['id', 'date', 'month', 'startDate', 'endDate', 'currency', 'amount', 'grossAmount', 'netAmount', 'frequency'],
    ...['fullName', 'firstName', 'lastName', 'dob'],
  ),
  junk,
);
const junkAccount = fc.record({
  accountId: fc.string({ minLength: 1 }),
  providerId: fc.string(),
  identities: fc.array(junkItem, { maxLength: 2 }),
  employments: fc.array(junkItem, { maxLength: 5 }),
  contributions: fc.array(junkItem, { maxLength: 30 }),
  incomes: fc.array(junkItem, { maxLength: 5 }),
  eincomes: fc.array(junkItem, { maxLength: 5 }),
});
const junkInput = fc
  .record({
    accounts: fc.array(junkAccount, { maxLength: 3 }),
    fullName: fc.option(fc.string(), { nil: undefined }),
    income: fc.boolean(),
  })
  .map(({ accounts, fullName, income }) =>
    inputOf(accounts, income ? { minMonthlyIncome: { PHP: 100 } } : {}, fullName === undefined ? {} : { fullName }),
  );

describe('evaluate: properties', () => {
  it('is total: junk data never throws and always yields an outcome', () => {
    fc.assert(
      fc.property(junkInput, (input) => {
        expect(['APPROVED', 'DECLINED', 'REVIEW']).toContain(evaluate(input).outcome);
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic, and a junk input that approves has every rule passing', () => {
    fc.assert(
      fc.property(junkInput, (input) => {
        const result = evaluate(input);
        expect(result).toEqual(evaluate(structuredClone(input)));
        if (result.outcome === 'APPROVED') expect(result.rules.every((r) => r.result === 'pass')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is monotone: more months of contributions never make the outcome worse', () => {
    const rank = { DECLINED: 0, REVIEW: 1, APPROVED: 2 } as const;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 24 }), { maxLength: 24 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 24 }), { maxLength: 12 }),
        (some, more) => {
          const before = evaluate(inputOf([george('a', { contributions: contributions(some) })])).outcome;
          const after = evaluate(
            inputOf([george('a', { contributions: contributions([...new Set([...some, ...more])]) })]),
          ).outcome;
          expect(rank[after]).toBeGreaterThanOrEqual(rank[before]);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('changedCodes (what a monitor counts as a change)', () => {
  it('names the codes whose result differs; a code absent from one side passed there', () => {
    const before = [
      { code: 'NO_CURRENT_EMPLOYMENT', result: 'pass' },
      { code: 'CONTRIBUTION_GAP', result: 'fail' },
      { code: 'INCOME_BELOW_MINIMUM', result: 'cannot_judge' },
    ];
    const after = [
      { code: 'NO_CURRENT_EMPLOYMENT', result: 'fail' },
      { code: 'CONTRIBUTION_GAP', result: 'fail' },
      { code: 'INCOME_BELOW_MINIMUM', result: 'fail' },
    ];
    expect(changedCodes(before, after)).toEqual(['INCOME_BELOW_MINIMUM', 'NO_CURRENT_EMPLOYMENT']);
    expect(changedCodes(after, after)).toEqual([]);
    // Reasons list only what did not pass: a reason that disappears passed.
    expect(changedCodes([{ code: 'CONTRIBUTION_GAP', result: 'fail' }], [])).toEqual(['CONTRIBUTION_GAP']);
    expect(changedCodes([{ code: 'TENURE_TOO_SHORT', result: 'pass' }], [])).toEqual([]);
  });
});
