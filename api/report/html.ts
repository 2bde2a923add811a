import type { Report } from '../schemas/report.js';
import { chartSvg, contributionsChart, incomeChart } from './charts.js';
import { amount, reportTables } from './tables.js';

/**
 * The report as a printable HTML page: the same content as the JSON, one
 * self-contained document (no scripts, no external resources), laid out for A4.
 */
const escape = (value: unknown) => String(value ?? '–').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const table = (headers: string[], rows: unknown[][]) =>
  rows.length === 0
    ? '<p class="none">None judged.</p>'
    : `<table><thead><tr>${headers.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${rows
        .map((row) => `<tr>${row.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;

/** A monitored verification's changes since its first decision. */
function monitoringSection(report: Report): string {
  const { monitoring } = report;
  if (!monitoring) return '';
  const t = reportTables(report);
  const ended = monitoring.endedReason
    ? `, ended ${escape(monitoring.endedAt)} (${escape(monitoring.endedReason)})`
    : '';
  return `<h2 id="monitoring">Monitoring</h2>
<p>${escape(monitoring.status)} until ${escape(monitoring.until)}${ended}; last sync ${escape(
    monitoring.lastSyncAt ?? 'none',
  )}. This report shows decision version ${escape(monitoring.decisionVersion)}.</p>
${table(t.monitoringChanges.headers, t.monitoringChanges.rows)}`;
}

/** A REVIEW outcome's review, beside the engine's outcome: who decided what, when and why, or that nobody did in time. */
function reviewRows(review: Report['decision']['review']): string {
  if (!review) return '';
  if (review.status === 'EXPIRED')
    return '\n  <dt>Review</dt><dd id="review">EXPIRED: no reviewer decided before the review timeout</dd>';
  const why = [review.reasonCode, review.note].filter(Boolean).map(escape).join(': ');
  return `
  <dt>Review</dt><dd id="review"><span class="outcome ${escape(review.outcome)}">${escape(review.outcome)}</span> by ${escape(
    review.reviewer,
  )} (key ${escape(review.keyName)})</dd>
  <dt>Reviewed at</dt><dd>${escape(review.reviewedAt)}</dd>${why ? `\n  <dt>Reviewer's reason</dt><dd>${why}</dd>` : ''}`;
}

/** The run's uploaded payslips as judged, and how many were past the number a decision judges. */
function documentsSection(report: Report): string {
  const { documents, documentsNotJudged } = report;
  if (!documents) return '';
  const t = reportTables(report);
  const rest = documentsNotJudged
    ? `<p id="documents-not-judged">${escape(documentsNotJudged)} more payslips were uploaded and not judged.</p>`
    : '';
  return `<h2 id="documents">Uploaded payslips</h2>
${table(t.documents.headers, t.documents.rows)}${rest}`;
}

export function reportHtml(report: Report): string {
  const { decision, income, contributions } = report;
  const t = reportTables(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Verification report ${escape(report.verificationId)}</title>
<style>
  @page { size: A4; margin: 16mm 14mm; }
  body { font: 11pt/1.45 system-ui, 'DejaVu Sans', sans-serif; color: #1d2433; max-width: 50rem; margin: 1.5rem auto; padding: 0 1rem; }
  h1 { font-size: 1.35rem; margin-bottom: .2rem; } h2 { font-size: 1.05rem; margin: 1.3rem 0 .4rem; border-bottom: 1px solid #ccd2dd; }
  table { border-collapse: collapse; width: 100%; font-size: 10pt; } th, td { text-align: left; padding: .2rem .4rem; border-bottom: 1px solid #e3e7ee; vertical-align: top; }
  th { color: #5b6475; font-weight: 600; } dl { display: grid; grid-template-columns: 11rem 1fr; gap: .1rem .8rem; margin: 0; } dt { color: #5b6475; }
  .outcome { display: inline-block; padding: .1rem .6rem; border-radius: .3rem; font-weight: 700; background: #e8ecf3; }
  .APPROVED { background: #d5f5df; } .DECLINED { background: #fbd9d9; } .REVIEW { background: #fdf0cc; }
  .fail { color: #a11; font-weight: 600; } .cannot_judge { color: #8a5a00; font-weight: 600; } .hash { font: 9pt ui-monospace, monospace; word-break: break-all; }
  .none { color: #5b6475; font-style: italic; } h2, table, figure { break-inside: avoid; }
  figure.chart { margin: .4rem 0 .6rem; } figcaption { color: #5b6475; font-size: 9pt; font-style: italic; }
</style>
</head>
<body>
<h1>Verification report</h1>
<dl>
  <dt>Verification</dt><dd>${escape(report.verificationId)} (run ${escape(report.runId)})</dd>
  <dt>External user</dt><dd>${escape(report.externalUserId)}</dd>
  <dt>Decision</dt><dd><span id="outcome" class="outcome ${escape(decision.outcome)}">${escape(decision.outcome)}</span>${
    decision.automatedOutcome ? ` (engine: ${escape(decision.automatedOutcome)})` : ''
  }</dd>
  <dt>Decided at</dt><dd>${escape(decision.evaluatedAt)}</dd>${reviewRows(decision.review)}
  <dt>Data as of</dt><dd>${escape(report.dataAsOf)}</dd>
  <dt>Applicant</dt><dd>${escape(report.applicant.fullName ?? 'no name given')}${
    report.applicant.dateOfBirth ? `, born ${escape(report.applicant.dateOfBirth)}` : ''
  }</dd>
  <dt>Engine version</dt><dd>${escape(decision.engineVersion)}</dd>
  <dt>Evidence hash</dt><dd class="hash">${escape(decision.evidenceHash)}</dd>
</dl>
<h2>Rules</h2>
${table(t.rules.headers, t.rules.rows).replace(/<td>(fail|cannot judge)<\/td>/g, (_, r: string) => `<td class="${r.replace(' ', '_')}">${r}</td>`)}
<h2>Accounts judged</h2>
${table(t.accounts.headers, t.accounts.rows)}
<h2>Identity</h2>
${
  report.identity
    ? `<dl><dt>Name</dt><dd>${escape(report.identity.fullName)}</dd><dt>Date of birth</dt><dd>${escape(
        report.identity.dateOfBirth,
      )}</dd><dt>Name match</dt><dd>${escape(report.identity.nameMatch.score)} (threshold ${escape(
        report.identity.nameMatch.threshold,
      )}): ${escape(report.identity.nameMatch.result.replace('_', ' '))}</dd><dt>Account</dt><dd>${escape(report.identity.accountId)}</dd></dl>`
    : '<p class="none">No identity was shared.</p>'
}
<h2>Employment</h2>
${table(t.employments.headers, t.employments.rows)}
<h2>Income</h2>
<p>Source: ${escape(income.source ?? 'none')}${income.frequency ? `, paid ${escape(income.frequency)}` : ''}. Average a month: ${escape(
    amount(income.averageMonthlyGross, income.currency),
  )} gross, ${escape(amount(income.averageMonthlyNet, income.currency))} net.</p>
${chartSvg(incomeChart(report))}
${table(t.incomeMonths.headers, t.incomeMonths.rows)}
<h2>Contributions (last ${escape(contributions.window)} full months)</h2>
<p>${escape(contributions.monthsWithContribution)} months with a contribution; longest gap ${escape(contributions.longestGapMonths)} months.</p>
${chartSvg(contributionsChart(report))}
${table(t.contributionMonths.headers, t.contributionMonths.rows)}
${documentsSection(report)}
${monitoringSection(report)}
<p class="none">Generated ${escape(report.generatedAt)}. Only the data this decision judged is shown.</p>
</body>
</html>
`;
}
