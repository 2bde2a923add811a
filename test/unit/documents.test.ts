import { describe, expect, it } from 'vitest';
import { judgeDocuments, MAX_JUDGED_DOCUMENTS } from '../../decide/documents.js';
import type { DocumentData } from '../../decide/types.js';
import { policySchema } from '../../workflows/policy.js';

const payslip = (archiveId: string, fields: Record<string, unknown> = {}): DocumentData => ({
  archiveId,
  status: 'ANALYZED',
  prediction: {
    validFile: true,
    startDate: '2026-10-16',
    endDate: '2026-10-31',
    payDate: '2026-10-31',
    currency: 'PHP',
    grossAmount: 12_500,
    netAmount: 10_800,
    employerName: 'Luzon Harbor Logistics Inc.',
    employeeName: 'Maria Clara Santos',
    ...fields,
  },
});
const ctx = {
  applicantName: 'Maria Clara Santos',
  policy: { nameMatchThreshold: 0.85, documentTolerance: 0.1 },
  accountIncomes: [{ endDate: '2026-10-31', currency: 'PHP', grossAmount: 12_500 }],
  employers: ['Luzon Harbor Logistics Inc.'],
};
const rule = (judged: ReturnType<typeof judgeDocuments>, code: string) => judged.rules.find((r) => r.code === code);

describe('judgeDocuments', () => {
  it('a payslip that agrees with the account passes and may stand in for income', () => {
    const judged = judgeDocuments([payslip('a1')], ctx);
    expect(judged.rules.map((r) => [r.code, r.result])).toEqual([
      ['DOCUMENT_INVALID', 'pass'],
      ['DOCUMENT_INCONSISTENT', 'pass'],
    ]);
    expect(judged.findings[0]!.consistency).toEqual({
      comparedWith: 'account income 12500 PHP',
      difference: 0,
      result: 'pass',
    });
    expect(judged.consistentIncomes).toHaveLength(1);
  });

  it('within the tolerance passes, beyond it fails; another employer or employee fails', () => {
    expect(rule(judgeDocuments([payslip('a1', { grossAmount: 13_700 })], ctx), 'DOCUMENT_INCONSISTENT')?.result).toBe(
      'pass',
    );
    expect(rule(judgeDocuments([payslip('a1', { grossAmount: 20_000 })], ctx), 'DOCUMENT_INCONSISTENT')?.result).toBe(
      'fail',
    );
    expect(
      rule(judgeDocuments([payslip('a1', { employerName: 'Other Shipping Co' })], ctx), 'DOCUMENT_INCONSISTENT')
        ?.result,
    ).toBe('fail');
    const stranger = judgeDocuments([payslip('a1', { employeeName: 'Juan Dela Cruz' })], ctx);
    expect(rule(stranger, 'DOCUMENT_INCONSISTENT')?.result).toBe('fail');
    expect(stranger.consistentIncomes).toEqual([]);
  });

  it('validFile false fails DOCUMENT_INVALID', () => {
    const judged = judgeDocuments([payslip('a1', { validFile: false })], ctx);
    expect(rule(judged, 'DOCUMENT_INVALID')?.result).toBe('fail');
    expect(judged.findings[0]!.validFile).toBe(false);
  });

  it.each([
    ['a string amount', { grossAmount: '12500' }],
    ['a null amount', { grossAmount: null }],
    ['a negative amount', { grossAmount: -1 }],
    ['a date that does not parse', { endDate: '31/10/2026' }],
    ['an unknown currency', { currency: 'XXY' }],
    ['no validFile verdict', { validFile: 'yes' }],
  ])('%s: DATA_UNREADABLE cannot_judge, never a throw', (_what, fields) => {
    const judged = judgeDocuments([payslip('a1', fields)], ctx);
    expect(rule(judged, 'DATA_UNREADABLE')?.result).toBe('cannot_judge');
    expect(judged.consistentIncomes).toEqual([]);
  });

  it('no applicant name: the payslips cannot be judged', () => {
    const judged = judgeDocuments([payslip('a1')], { ...ctx, applicantName: undefined });
    expect(rule(judged, 'DOCUMENT_INCONSISTENT')?.result).toBe('cannot_judge');
  });

  it(`more than ${MAX_JUDGED_DOCUMENTS} payslips: the first ${MAX_JUDGED_DOCUMENTS} by id are judged, the rest counted`, () => {
    const many = Array.from({ length: MAX_JUDGED_DOCUMENTS + 5 }, (_, i) => payslip(`a${String(i).padStart(3, '0')}`));
    const judged = judgeDocuments(many.reverse(), ctx);
    expect(judged.findings).toHaveLength(MAX_JUDGED_DOCUMENTS);
    expect(judged.notJudged).toBe(5);
    expect(judged.findings[0]!.archiveId).toBe('a000');
  });
});

describe('the document policy fields', () => {
  it('documentTolerance defaults to 10 % within 0–1, acceptPayslipsAsIncome to false', () => {
    expect(policySchema.parse({})).toMatchObject({ documentTolerance: 0.1, acceptPayslipsAsIncome: false });
    for (const documentTolerance of [-0.1, 1.5, '0.1'])
      expect(policySchema.safeParse({ documentTolerance }).error?.issues[0]?.path).toEqual(['documentTolerance']);
  });
});
