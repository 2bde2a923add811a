import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type AccountData, type EvaluationInput } from '../../decide/evaluate.js';
import { nameMatches } from '../../decide/names.js';
import { decisionDay, wholeMonths } from '../../decide/read.js';
import { ENGINE_VERSION } from '../../decide/version.js';
import { admit } from '../../workflows/admission.js';
import { policySchema, resolvePolicy, type PolicyOverrides } from '../../workflows/policy.js';

/** The engine's rules on dates, names, duplicates, bounds and datapoints not asked for. */

const account = (id: string, data: Partial<AccountData> = {}): AccountData => ({
  accountId: id,
  providerId: 'sss_ph',
  identities: [{ id: `i-${id}`, fullName: 'George Cimafranca Palomero, Jr', dob: '1970-08-24' }],
  employments: [{ id: `e-${id}`, employer: 'ABC Corporation', startDate: '2020-01-15', endDate: null }],
  contributions: Array.from({ length: 12 }, (_, i) => ({
    id: `con-${id}-${i}`,
    date: `2026-${String(i + 1).padStart(2, '0')}-28`,
    currency: 'PHP',
    amount: 1_000,
  })).slice(0, 11),
  incomes: [],
  eincomes: [],
  ...data,
});
const inputOf = (
  accounts: AccountData[],
  overrides: PolicyOverrides = {},
  fullName = 'George Palomero',
  evaluatedAt = '2026-12-03T04:00:00.000Z',
): EvaluationInput => ({
  engineVersion: ENGINE_VERSION,
  evaluatedAt,
  applicant: { fullName },
  policy: resolvePolicy(overrides),
  accounts,
});
const rule = (input: EvaluationInput, code: string) => evaluate(input).rules.find((r) => r.code === code);

describe('dates are judged by the day', () => {
  it('a job that ended yesterday is not current', () => {
    const input = inputOf([
      account('a', { employments: [{ id: 'e', startDate: '2020-01-01', endDate: '2026-12-01' }] }),
    ]);
    expect(rule(input, 'NO_CURRENT_EMPLOYMENT')?.result).toBe('fail');
    expect(evaluate(input).outcome).toBe('DECLINED');
  });

  it('a job that ends today is current', () => {
    const input = inputOf([
      account('a', { employments: [{ id: 'e', startDate: '2020-01-01', endDate: '2026-12-03' }] }),
    ]);
    expect(rule(input, 'NO_CURRENT_EMPLOYMENT')?.result).toBe('pass');
  });

  it('tenure counts whole months to the decision date: 2026-09-30 to 2026-12-03 is 2', () => {
    const input = inputOf([account('a', { employments: [{ id: 'e', startDate: '2026-09-30', endDate: null }] })]);
    expect(rule(input, 'TENURE_TOO_SHORT')).toMatchObject({ result: 'fail', value: 2 });
  });

  it('the decision date is the provider’s local date, not the UTC one', () => {
    // 2026-12-02T17:00Z is already 2026-12-03 in Manila (UTC+8): a job that ended on the 2nd has ended.
    const ended = account('a', { employments: [{ id: 'e', startDate: '2020-01-01', endDate: '2026-12-02' }] });
    expect(rule(inputOf([ended], {}, undefined, '2026-12-02T17:00:00Z'), 'NO_CURRENT_EMPLOYMENT')?.result).toBe('fail');
    expect(rule(inputOf([ended], {}, undefined, '2026-12-02T15:00:00Z'), 'NO_CURRENT_EMPLOYMENT')?.result).toBe('pass');
    expect(decisionDay('2026-12-02T17:00:00Z', 'sss_ph')).toBe('2026-12-03');
    expect(decisionDay('2026-12-02T17:00:00Z', 'bpjs_tk_id')).toBe('2026-12-03');
    expect(decisionDay('2026-12-02T16:59:00Z', 'bpjs_tk_id')).toBe('2026-12-02');
    expect(decisionDay('2026-12-02T18:29:00Z', 'epfo_in')).toBe('2026-12-02');
    // An item's date is a local date: its time and offset never move it to another day.
    const local = account('a', {
      employments: [{ id: 'e', startDate: '2020-01-01', endDate: '2026-12-03T00:00:00+08:00' }],
    });
    expect(rule(inputOf([local]), 'NO_CURRENT_EMPLOYMENT')?.result).toBe('pass');
  });

  it.each([
    ['2026-01-31', '2026-02-27', 0],
    ['2026-01-31', '2026-02-28', 1],
    ['2024-02-29', '2025-02-28', 12],
    ['2024-02-29', '2025-02-27', 11],
    ['2023-02-28', '2024-02-28', 12],
    ['2026-09-30', '2026-12-03', 2],
    ['2026-09-30', '2026-10-30', 1],
    ['2026-12-31', '2027-01-01', 0],
    ['2026-12-03', '2026-12-03', 0],
  ])('whole months from %s to %s: %d', (from, to, months) => expect(wholeMonths(from, to)).toBe(months));

  const day = fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  it('whole months: never more than the calendar difference, and one more a month later', () => {
    fc.assert(
      fc.property(day, day, (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const months = wholeMonths(from, to)!;
        const calendar =
          (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
        expect(months === calendar || months === calendar - 1).toBe(true);
        expect(months).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('current is decided by the local day at any instant and any provider zone', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('sss_ph', 'bpjs_tk_id', 'epfo_in', 'cpf_sg', 'unknown'),
        fc.integer({ min: -3, max: 3 }),
        (at, providerId, offsetDays) => {
          const today = decisionDay(at.toISOString(), providerId);
          const end = new Date(Date.parse(`${today}T00:00:00Z`) + offsetDays * 86_400_000).toISOString().slice(0, 10);
          const input = inputOf(
            [account('a', { providerId, employments: [{ id: 'e', startDate: '2020-01-01', endDate: end }] })],
            {},
            undefined,
            at.toISOString(),
          );
          expect(rule(input, 'NO_CURRENT_EMPLOYMENT')?.result).toBe(offsetDays >= 0 ? 'pass' : 'fail');
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe('names account for the given and family names', () => {
  it.each([
    ['George Palomero', 'George Cimafranca Palomero, Jr', true],
    ['George Cimafranca Palomero', 'George Palomero', true],
    ['PALOMERO, George', 'George Palomero', true],
    ['José Rizal', 'JOSE RIZAL', true],
    ['Maria Santos', 'Maria Clara Santos', true],
    ['Siti Nurhaliza binti Tarudin', 'Siti Nurhaliza Tarudin', true],
    ['Tan Wei Ming', 'Wei Ming Tan', true],
    ['Sukarno', 'Sukarno', true],
    ['George', 'George Cimafranca Palomero, Jr', false],
    ['Palomero', 'George Palomero', false],
    ['Sukarno', 'Sukarno Putra', false],
    ['Juan Dela Cruz', 'George Cimafranca Palomero, Jr', false],
    ['George Smith', 'George Palomero', false],
  ])('%s ~ %s: %s', (applicant, identity, matches) =>
    expect(nameMatches(applicant, { fullName: identity })).toBe(matches),
  );

  it('uses firstName and lastName when Smile gives them', () => {
    const split = { fullName: 'Palomero George C.', firstName: 'George', lastName: 'Palomero' };
    expect(nameMatches('George Palomero', split)).toBe(true);
    expect(nameMatches('George', { firstName: 'George', lastName: 'Palomero' })).toBe(false);
    expect(nameMatches('Juan Dela Cruz', { firstName: 'Juan', lastName: 'Dela Cruz' })).toBe(true);
  });

  it('"George" alone is not APPROVED on George’s account', () => {
    const result = evaluate(inputOf([account('a')], {}, 'George'));
    expect(result.outcome).toBe('DECLINED');
    expect(result.reasons[0]).toMatchObject({ code: 'NAME_MISMATCH', result: 'fail' });
  });
});

describe('one item, once', () => {
  const maria = (id: string): AccountData =>
    account(id, {
      identities: [{ id: `i-${id}`, fullName: 'Maria Clara Santos' }],
      employments: [{ id: `e-${id}`, employer: 'Acme Manila', startDate: '2024-10-01', endDate: null }],
      incomes: [9, 10, 11].flatMap((m) => [
        {
          id: `inc-${id}-${m}a`,
          startDate: `2026-${String(m).padStart(2, '0')}-01`,
          endDate: `2026-${String(m).padStart(2, '0')}-15`,
          currency: 'PHP',
          grossAmount: 12_500,
          netAmount: 10_800,
          frequency: 'Semimonthly',
        },
        {
          id: `inc-${id}-${m}b`,
          startDate: `2026-${String(m).padStart(2, '0')}-16`,
          endDate: `2026-${String(m).padStart(2, '0')}-28`,
          currency: 'PHP',
          grossAmount: 12_500,
          netAmount: 10_800,
          frequency: 'Semimonthly',
        },
      ]),
    });

  it('the same login linked twice counts its pay periods once', () => {
    const input = inputOf([maria('a-1'), maria('a-2')], { minMonthlyIncome: { PHP: 40_000 } }, 'Maria Clara Santos');
    const result = evaluate(input);
    expect(result.findings.income.averageMonthlyGross).toBe(25_000);
    expect(rule(input, 'INCOME_BELOW_MINIMUM')).toMatchObject({ result: 'fail', value: 25_000 });
    expect(result.outcome).not.toBe('APPROVED');
    expect(result.findings.employments).toHaveLength(1);
    expect(result.findings.contributions.months.every((m) => m.amount === 1_000)).toBe(true);
  });

  it('two providers’ items are two items', () => {
    const other = { ...maria('a-2'), providerId: 'sss_ph_other' };
    const input = inputOf([maria('a-1'), other], { minMonthlyIncome: { PHP: 40_000 } }, 'Maria Clara Santos');
    expect(evaluate(input).findings.income.averageMonthlyGross).toBe(50_000);
  });
});

describe('policy bounds', () => {
  it.each<[PolicyOverrides, string]>([
    [{ nameMatchThreshold: 0 }, 'nameMatchThreshold'],
    [{ nameMatchThreshold: 0.49 }, 'nameMatchThreshold'],
    [{ nameMatchThreshold: 1.01 }, 'nameMatchThreshold'],
    [{ minTenureMonths: 601 }, 'minTenureMonths'],
    [{ minTenureMonths: -1 }, 'minTenureMonths'],
    [{ contributionMonths: { required: 6, window: 61 } }, 'contributionMonths'],
    [{ contributionMonths: { required: 6, window: 0 } }, 'contributionMonths'],
    [{ contributionMonths: { required: 7, window: 6 } }, 'contributionMonths'],
    [{ maxContributionGapMonths: 61 }, 'maxContributionGapMonths'],
    [{ incomeMonths: 25 }, 'incomeMonths'],
    [{ minMonthlyIncome: { php: 1 } }, 'minMonthlyIncome'],
  ])('%j is refused, naming %s', (overrides, field) => {
    const parsed = policySchema.safeParse(overrides);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path[0]).toBe(field);
  });

  it.each<PolicyOverrides>([
    { nameMatchThreshold: 0.5 },
    { nameMatchThreshold: 1 },
    { minTenureMonths: 600 },
    { contributionMonths: { required: 60, window: 60 } },
    { maxContributionGapMonths: 60 },
  ])('%j is accepted', (overrides) => expect(policySchema.safeParse(overrides).success).toBe(true));
});

describe('rules on datapoints the policy did not ask for', () => {
  it('are reported not_applied, never passed', () => {
    const input = inputOf([account('a', { employments: [], contributions: [] })], {
      requiredDatapoints: ['identity'],
    });
    const result = evaluate(input);
    expect(result.outcome).toBe('APPROVED');
    for (const code of ['NO_CURRENT_EMPLOYMENT', 'TENURE_TOO_SHORT', 'INSUFFICIENT_CONTRIBUTIONS', 'CONTRIBUTION_GAP'])
      expect(rule(input, code)?.result).toBe('not_applied');
    expect(rule(input, 'INCOME_BELOW_MINIMUM')?.result).toBe('not_applied');
    expect(result.reasons).toEqual([]);
  });

  it('a required datapoint without data cannot be judged', () => {
    const input = inputOf([account('a', { employments: [] })]);
    expect(rule(input, 'NO_CURRENT_EMPLOYMENT')?.result).toBe('cannot_judge');
    expect(rule(input, 'TENURE_TOO_SHORT')?.result).toBe('cannot_judge');
  });

  it('engine version 3.0.0', () => expect(ENGINE_VERSION).toBe('3.0.0'));
});

describe('admission', () => {
  const start = '2026-12-03T06:13:17.622Z';
  it.each<[string | null, 'webhook' | 'account-list' | 'widget', boolean]>([
    ['2026-12-03T06:13:17Z', 'webhook', true],
    ['2026-12-03T06:13:16Z', 'webhook', false],
    ['2026-12-03T06:13:18Z', 'account-list', true],
    ['2026-12-03T06:13:17Z', 'account-list', false],
    ['2026-12-03T06:13:17.700Z', 'account-list', true],
    ['2026-12-03T06:13:17.500Z', 'webhook', false],
    ['2026-12-02T06:13:18Z', 'account-list', false],
    [null, 'account-list', false],
    ['yesterday', 'webhook', false],
    ['2026-12-03T06:13:18Z', 'widget', false],
  ])('created %s, via %s: admitted %s', (createdAt, via, admitted) =>
    expect(admit(start, { createdAt, via }).admitted).toBe(admitted),
  );

  it('an event the inbox received before the run started is refused, even dated in the run’s second', () => {
    const claim = { createdAt: '2026-12-03T06:13:17Z', via: 'relay' as const };
    expect(admit(start, { ...claim, receivedAt: '2026-12-03T06:13:17.400Z' })).toEqual({
      admitted: false,
      reason: 'RECEIVED_BEFORE_RUN',
    });
    expect(admit(start, { ...claim, receivedAt: '2026-12-03T06:13:17.622Z' })).toEqual({ admitted: true });
    expect(admit(start, { ...claim, receivedAt: 'not a time' }).admitted).toBe(false);
  });

  it('a Smile user the run created has no older account: Smile’s list is read at its second', () => {
    expect(admit(start, { createdAt: '2026-12-03T06:13:17Z', via: 'account-list', newSmileUser: true }).admitted).toBe(
      true,
    );
    expect(admit(start, { createdAt: '2026-12-03T06:13:16Z', via: 'account-list', newSmileUser: true }).admitted).toBe(
      false,
    );
  });
});
