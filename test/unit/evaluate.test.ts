import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type EvaluationData } from '../../activities/decide/evaluate.js';
import { nameSimilarity } from '../../activities/decide/names.js';
import type { Applicant } from '../../workflows/types.js';
import { resolvePolicy } from '../../workflows/policy.js';

const NOW = new Date('2026-11-15T12:00:00Z');
const policy = resolvePolicy();
/** YYYY-MM-DD of the last day of the month n months before NOW. */
const monthsAgo = (n: number) => new Date(Date.UTC(2026, 10 - n + 1, 0)).toISOString().slice(0, 10);
const contributions = (months: number[]) =>
  months.map((n, i) => ({ id: `con-${i}`, date: monthsAgo(n), currency: 'PHP', amount: 1_000 }));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const george = (): EvaluationData => ({
  identity: { id: 'i-1', fullName: 'George Cimafranca Palomero, Jr', dob: '1970-08-24' },
  employments: [{ id: 'e-1', startDate: monthsAgo(26), endDate: null }],
  contributions: contributions(range(1, 24)),
  incomes: [],
  eincomes: [1, 2, 3].map((n) => ({
    id: `einc-${n}`,
    month: monthsAgo(n).slice(0, 7),
    currency: 'PHP',
    amount: 25_000,
  })),
});
const applicant = { fullName: 'George Palomero Jr.', dateOfBirth: '1970-08-24' };
const codesOf = (
  data: EvaluationData,
  overrides = {},
  who: Applicant = applicant,
  kyc?: Parameters<typeof evaluate>[4],
) => {
  const result = evaluate(data, who, resolvePolicy(overrides), NOW, kyc);
  return { outcome: result.outcome, failed: result.reasons.filter((r) => r.result !== 'pass').map((r) => r.code) };
};

describe('evaluate: every reason code', () => {
  it('approves George', () => expect(codesOf(george())).toEqual({ outcome: 'APPROVED', failed: [] }));

  it.each([
    ['NAME_MISMATCH', 'DECLINED', (d: EvaluationData) => d, { fullName: 'Maria Santos' }, {}],
    ['DOB_MISMATCH', 'REVIEW', (d: EvaluationData) => d, { ...applicant, dateOfBirth: '1971-01-01' }, {}],
    [
      'NO_CURRENT_EMPLOYMENT',
      'DECLINED',
      (d: EvaluationData) => ({ ...d, employments: [{ id: 'e', startDate: monthsAgo(60), endDate: monthsAgo(40) }] }),
      applicant,
      {},
    ],
    [
      'TENURE_TOO_SHORT',
      'REVIEW',
      (d: EvaluationData) => ({ ...d, employments: [{ id: 'e', startDate: monthsAgo(1), endDate: null }] }),
      applicant,
      {},
    ],
    [
      'INSUFFICIENT_CONTRIBUTIONS',
      'REVIEW',
      (d: EvaluationData) => ({ ...d, contributions: contributions([1, 2, 3, 4]) }),
      applicant,
      { maxContributionGapMonths: 12 },
    ],
    [
      'CONTRIBUTION_GAP',
      'REVIEW',
      (d: EvaluationData) => ({ ...d, contributions: contributions([1, 2, 3, 7, 8, 9, 10, 11, 12]) }),
      applicant,
      {},
    ],
    ['INCOME_BELOW_MINIMUM', 'REVIEW', (d: EvaluationData) => d, applicant, { minMonthlyIncome: { PHP: 30_000 } }],
    ['MISSING_DATAPOINT', 'REVIEW', (d: EvaluationData) => ({ ...d, employments: [] }), applicant, {}],
    [
      'DATA_UNREADABLE',
      'REVIEW',
      (d: EvaluationData) => ({ ...d, contributions: [{ id: 'c', date: 'last spring' }] }),
      applicant,
      {},
    ],
  ])('%s → %s', (code, outcome, change, who, overrides) => {
    const result = codesOf(change(george()), overrides, who);
    expect(result.failed).toEqual([code]);
    expect(result.outcome).toBe(outcome);
  });

  it('KYC_FAILED declines; a KYC without a result sends to review', () => {
    expect(codesOf(george(), {}, applicant, { status: 'REJECTED', resultCode: '1022' })).toEqual({
      outcome: 'DECLINED',
      failed: ['KYC_FAILED'],
    });
    expect(codesOf(george(), {}, applicant, { status: 'TIMED_OUT' }).outcome).toBe('REVIEW');
    expect(codesOf(george(), {}, applicant, { status: 'APPROVED', resultCode: '1012' }).outcome).toBe('APPROVED');
  });

  it('cannot judge income in an unfamiliar currency', () => {
    expect(codesOf(george(), { minMonthlyIncome: { SGD: 1_000 } })).toEqual({
      outcome: 'REVIEW',
      failed: ['INCOME_BELOW_MINIMUM'],
    });
  });
});

describe('name matching', () => {
  it.each([
    ['George Palomero Jr.', 'George Cimafranca Palomero, Jr', 1],
    ['PALOMERO george', 'George Palomero', 1],
    ['José Rizal', 'Jose Rizal', 1],
    ['George Smith', 'George Palomero', 0.25],
    ['Maria Santos', 'George Palomero', 0],
  ])('%s ~ %s = %d', (a, b, score) => expect(nameSimilarity(a, b)).toBe(score));
});

const junk = fc.oneof(
  fc.constant(null),
  fc.string(),
  fc.integer(),
  fc.constant(undefined),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);
const junkItem = fc.dictionary(
  fc.constantFrom('id', 'date', 'month', 'startDate', 'endDate', 'currency', 'amount', 'fullName', 'dob'),
  junk,
);
const junkData = fc.record({
  identity: fc.option(junkItem, { nil: undefined }),
  employments: fc.array(junkItem, { maxLength: 5 }),
  contributions: fc.array(junkItem, { maxLength: 30 }),
  incomes: fc.array(junkItem, { maxLength: 5 }),
  eincomes: fc.array(junkItem, { maxLength: 5 }),
}) as fc.Arbitrary<EvaluationData>;

describe('evaluate: properties', () => {
  it('is total: junk data never throws and always yields an outcome', () => {
    fc.assert(
      fc.property(junkData, fc.record({ fullName: fc.option(fc.string(), { nil: undefined }) }), (data, who) => {
        expect(['APPROVED', 'DECLINED', 'REVIEW']).toContain(evaluate(data, who, policy, NOW).outcome);
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(junkData, (data) => {
        expect(evaluate(data, applicant, policy, NOW)).toEqual(evaluate(structuredClone(data), applicant, policy, NOW));
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
          const before = evaluate({ ...george(), contributions: contributions(some) }, applicant, policy, NOW).outcome;
          const after = evaluate(
            { ...george(), contributions: contributions([...new Set([...some, ...more])]) },
            applicant,
            policy,
            NOW,
          ).outcome;
          expect(rank[after]).toBeGreaterThanOrEqual(rank[before]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
