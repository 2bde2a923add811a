import type { Policy } from '../workflows/policy.js';
import { nameScore, nameTokens } from './names.js';
import { amount, currency, isoDay, round2, text } from './read.js';
import type { DocumentData, DocumentFinding, Item, Rule, RuleResult } from './types.js';

/**
 * Uploaded payslips (Smile `PAYSLIP` archives with Smile's extraction), each
 * evidence of its own:
 * - DOCUMENT_INVALID (soft) fails when Smile says a file is no payslip (`validFile` false).
 * - The employee name is matched with the applicant as an identity name is.
 * - DOCUMENT_INCONSISTENT (soft) fails when a payslip's name does not match, its
 *   employer matches none of the run's employments, or, for a pay period the run's
 *   accounts also report, its gross differs from theirs by more than `documentTolerance`.
 * - DATA_UNREADABLE (cannot_judge) names a payslip whose amounts, dates or currency
 *   cannot be read: that payslip feeds no rule.
 * At most MAX_JUDGED_DOCUMENTS payslips are judged (in archive id order); the report counts the rest.
 */

export const MAX_JUDGED_DOCUMENTS = 60;
/** Words that say what kind of company it is, not which: "Inc." on a payslip and none on the employment still match. */
const COMPANY_WORDS = new Set([
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'pte',
  'llc',
  'plc',
]);

/** Two employer names match when every distinguishing word of the shorter is in the longer. */
function sameEmployer(a: string, b: string): boolean {
  const words = (name: string) => new Set(nameTokens(name).filter((w) => !COMPANY_WORDS.has(w)));
  const [x, y] = [words(a), words(b)].sort((l, r) => l.size - r.size) as [Set<string>, Set<string>];
  return x.size > 0 && [...x].every((w) => y.has(w));
}

export interface DocumentsContext {
  applicantName: string | undefined;
  policy: Pick<Policy, 'nameMatchThreshold'> & Partial<Pick<Policy, 'documentTolerance'>>;
  /** The `incomes` items of the accounts whose identity matched. */
  accountIncomes: Item[];
  /** The employers of the matched accounts' employments. */
  employers: string[];
}

export interface DocumentsJudged {
  rules: Rule[];
  findings: DocumentFinding[];
  notJudged: number;
  /** Valid, readable payslips consistent with everything they were compared with, as `incomes` items. */
  consistentIncomes: Item[];
}

interface Readable {
  start: string;
  end: string;
  currency: string;
  gross: number;
  net: number | null;
  employer: string | null;
  employeeName: string | null;
}

/** A payslip's extraction, or what could not be read in it. */
function readPayslip(p: Item): Readable | { problem: string } {
  const start = isoDay(p.startDate);
  const end = isoDay(p.endDate);
  if (!start || !end || end < start) return { problem: 'its pay period dates cannot be read' };
  const code = currency(p.currency);
  if (!code) return { problem: 'its currency is unknown' };
  const gross = amount(p.grossAmount);
  if (gross === undefined || gross < 0) return { problem: 'its grossAmount cannot be read' };
  const net = p.netAmount === undefined || p.netAmount === null ? null : amount(p.netAmount);
  if (net === undefined || (net !== null && net < 0)) return { problem: 'its netAmount cannot be read' };
  return {
    start,
    end,
    currency: code,
    gross,
    net,
    employer: text(p.employerName) ?? null,
    employeeName: text(p.employeeName) ?? null,
  };
}

const worst = (results: RuleResult[]): RuleResult =>
  results.includes('fail') ? 'fail' : results.includes('cannot_judge') ? 'cannot_judge' : 'pass';

export function judgeDocuments(documents: DocumentData[], ctx: DocumentsContext): DocumentsJudged {
  const sorted = [...documents].sort((a, b) => a.archiveId.localeCompare(b.archiveId));
  const judged = sorted.slice(0, MAX_JUDGED_DOCUMENTS);
  const threshold = ctx.policy.nameMatchThreshold;
  const tolerance = ctx.policy.documentTolerance ?? 0.1;
  const findings: DocumentFinding[] = [];
  const invalid: string[] = [];
  const unreadable: string[] = [];
  const inconsistent: string[] = [];
  const unjudgedNames: string[] = [];
  const consistentIncomes: Item[] = [];

  for (const doc of judged) {
    const p = doc.prediction;
    const validFile = typeof p.validFile === 'boolean' ? p.validFile : null;
    const base: DocumentFinding = {
      archiveId: doc.archiveId,
      type: 'PAYSLIP',
      validFile,
      period: null,
      employer: null,
      employeeName: null,
      nameMatch: { score: null, threshold, result: 'cannot_judge' },
      gross: null,
      net: null,
      currency: null,
      consistency: { comparedWith: null, difference: null, result: 'cannot_judge' },
    };
    if (validFile === false) {
      invalid.push(doc.archiveId);
      findings.push(base);
      continue;
    }
    const read = validFile === null ? { problem: 'Smile gave no validFile verdict' } : readPayslip(p);
    if ('problem' in read) {
      unreadable.push(`Payslip ${doc.archiveId}: ${read.problem}.`);
      findings.push(base);
      continue;
    }
    // The employee name, matched with the applicant as an identity name is.
    const score =
      ctx.applicantName && read.employeeName
        ? round2(nameScore(ctx.applicantName, { fullName: read.employeeName }))
        : null;
    const nameResult: RuleResult = score === null ? 'cannot_judge' : score >= threshold ? 'pass' : 'fail';
    if (nameResult === 'cannot_judge') unjudgedNames.push(doc.archiveId);
    // Its employer, when the run has employments to compare it with.
    const employerResult: 'pass' | 'fail' | undefined =
      ctx.employers.length === 0
        ? undefined
        : read.employer && ctx.employers.some((e) => sameEmployer(e, read.employer!))
          ? 'pass'
          : 'fail';
    // Its gross, against the accounts' pay for the same period (the same end day and currency).
    const same = ctx.accountIncomes.filter(
      (i) => isoDay(i.endDate) === read.end && currency(i.currency) === read.currency,
    );
    const accountGross = same.length > 0 ? same.map((i) => amount(i.grossAmount)) : [];
    const comparable = accountGross.length > 0 && accountGross.every((g) => g !== undefined && g > 0);
    const reference = comparable ? round2((accountGross as number[]).reduce((s, g) => s + g, 0)) : null;
    const difference = reference === null ? null : round2(Math.abs(read.gross - reference) / reference);
    const grossResult: 'pass' | 'fail' | undefined =
      difference === null ? undefined : difference <= tolerance + 1e-9 ? 'pass' : 'fail';
    const compared = [employerResult, grossResult].filter((r): r is 'pass' | 'fail' => r !== undefined);
    const result = worst([nameResult, ...compared]);
    if (result === 'fail') inconsistent.push(doc.archiveId);
    if (result === 'pass')
      consistentIncomes.push({
        id: doc.archiveId,
        employer: read.employer,
        startDate: read.start,
        endDate: read.end,
        currency: read.currency,
        grossAmount: read.gross,
        netAmount: read.net,
        frequency: null,
      });
    findings.push({
      ...base,
      period: { start: read.start, end: read.end },
      employer: read.employer,
      employeeName: read.employeeName,
      nameMatch: { score, threshold, result: nameResult },
      gross: read.gross,
      net: read.net,
      currency: read.currency,
      consistency: {
        comparedWith:
          reference !== null ? `account income ${reference} ${read.currency}` : employerResult ? 'employments' : null,
        difference,
        result,
      },
    });
  }

  const rules: Rule[] = [];
  rules.push(
    invalid.length > 0
      ? {
          code: 'DOCUMENT_INVALID',
          hard: false,
          result: 'fail',
          value: invalid.length,
          message: `Smile says ${invalid.length === 1 ? `archive ${invalid[0]} is` : `${invalid.length} archives (${invalid.slice(0, 3).join(', ')}${invalid.length > 3 ? ', …' : ''}) are`} not a payslip.`,
        }
      : { code: 'DOCUMENT_INVALID', hard: false, result: 'pass', message: 'Every uploaded file is a payslip.' },
  );
  const readable = judged.length - invalid.length - unreadable.length;
  rules.push(
    inconsistent.length > 0
      ? {
          code: 'DOCUMENT_INCONSISTENT',
          hard: false,
          result: 'fail',
          value: inconsistent.length,
          threshold: tolerance,
          message: `${inconsistent.length} payslip${inconsistent.length === 1 ? '' : 's'} (${inconsistent.slice(0, 3).join(', ')}${inconsistent.length > 3 ? ', …' : ''}) disagree with the applicant's name, the run's employments, or its accounts' pay by more than ${Math.round(tolerance * 100)} %.`,
        }
      : unjudgedNames.length > 0
        ? {
            code: 'DOCUMENT_INCONSISTENT',
            hard: false,
            result: 'cannot_judge',
            message: ctx.applicantName
              ? `Payslip ${unjudgedNames[0]} names no employee to match with the applicant.`
              : 'The applicant gave no name to match the payslips with.',
          }
        : {
            code: 'DOCUMENT_INCONSISTENT',
            hard: false,
            result: 'pass',
            threshold: tolerance,
            message:
              readable > 0
                ? `${readable} payslip${readable === 1 ? '' : 's'} agree with the applicant and the run's data.`
                : 'No readable payslip to compare.',
          },
  );
  if (unreadable.length > 0)
    rules.push({
      code: 'DATA_UNREADABLE',
      hard: false,
      result: 'cannot_judge',
      value: unreadable.length,
      message: `${unreadable[0]!} DOCUMENT_INCONSISTENT cannot judge it${unreadable.length > 1 ? ` (and ${unreadable.length - 1} more unreadable payslips)` : ''}.`,
    });
  return { rules, findings, notJudged: sorted.length - judged.length, consistentIncomes };
}
