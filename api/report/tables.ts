import type { Report } from '../schemas/report.js';

/**
 * The report's tables, once: the HTML page and the PDF draw the same headers
 * and cells, each in its own medium.
 */
export type Cell = string | number | boolean | null | undefined;
export interface Table {
  headers: string[];
  rows: Cell[][];
}

export const amount = (value: number | null | undefined, currency?: string | null): string =>
  value === null || value === undefined
    ? '–'
    : `${value.toLocaleString('en-US', { maximumFractionDigits: 2 })}${currency ? ` ${currency}` : ''}`;
export const yesNo = (value: boolean | null): string => (value === null ? 'cannot judge' : value ? 'yes' : 'no');

export function reportTables(report: Report) {
  const { income, contributions } = report;
  return {
    rules: {
      headers: ['Rule', 'Hard', 'Result', 'Value', 'Threshold', 'Why'],
      rows: report.rules.map((r) => [
        r.code,
        r.hard ? 'yes' : 'no',
        r.result.replace('_', ' '),
        r.value as Cell,
        r.threshold as Cell,
        r.message,
      ]),
    },
    accounts: {
      headers: ['Account', 'Provider', 'Source', 'Connected', 'Last sync', 'Identity matched'],
      rows: report.accounts.map((a) => [
        a.accountId,
        a.providerId,
        a.sourceType,
        a.connectedAt,
        a.lastSyncAt,
        yesNo(a.identityMatched),
      ]),
    },
    employments: {
      headers: ['Employer', 'Job title', 'Start', 'End', 'Current', 'Tenure (months)', 'Account'],
      rows: report.employments.map((e) => [
        e.employer,
        e.jobTitle,
        e.startDate,
        e.endDate,
        yesNo(e.current),
        e.tenureMonths,
        e.accountId,
      ]),
    },
    incomeMonths: {
      headers: ['Month', 'Gross', 'Net'],
      rows: income.months.map((m) => [m.month, amount(m.gross, income.currency), amount(m.net, income.currency)]),
    },
    contributionMonths: {
      headers: ['Month', 'Amount'],
      rows: contributions.months.map((m) => [m.month, amount(m.amount, m.currency)]),
    },
    documents: {
      headers: [
        'Archive',
        'Payslip?',
        'Period',
        'Employer',
        'Employee (match)',
        'Gross',
        'Net',
        'Compared with',
        'Difference',
        'Consistent',
      ],
      rows: (report.documents ?? []).map((d) => [
        d.archiveId,
        yesNo(d.validFile),
        d.period ? `${d.period.start} – ${d.period.end}` : null,
        d.employer,
        d.employeeName ? `${d.employeeName} (${d.nameMatch.result.replace('_', ' ')})` : null,
        amount(d.gross, d.currency),
        amount(d.net, d.currency),
        d.consistency.comparedWith,
        d.consistency.difference === null ? null : `${Math.round(d.consistency.difference * 100)} %`,
        d.consistency.result.replace('_', ' '),
      ]),
    },
    monitoringChanges: {
      headers: ['Changed at', 'From', 'To', 'Rules changed'],
      rows: (report.monitoring?.changes ?? []).map((c) => [c.at, c.from, c.to, c.codes.join(', ')]),
    },
  } satisfies Record<string, Table>;
}
