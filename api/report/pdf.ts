import { amount, reportTables, type Cell } from './tables.js';
import PDFDocument from 'pdfkit';
import type { Report } from '../schemas/report.js';
import { contributionsChart, incomeChart, layoutChart, type BarChart } from './charts.js';

/**
 * The report as a PDF, drawn by PDFKit (no browser, so every image can answer it): the same
 * content as the HTML page, in the same order, with the monthly income and contributions charted
 * from the same layout. A4, the standard PDF fonts (Helvetica, Courier for the evidence hash), text
 * kept as text so it can be searched and copied.
 */
const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 42;
const WIDTH = A4.width - 2 * MARGIN;
const INK = '#1d2433';
const MUTED = '#5b6475';
const RULE = '#ccd2dd';
const OUTCOME_COLORS: Record<string, string> = { APPROVED: '#d5f5df', DECLINED: '#fbd9d9', REVIEW: '#fdf0cc' };

type Doc = PDFKit.PDFDocument;

const text = (value: Cell) => (value === null || value === undefined || value === '' ? '–' : String(value));

/** Starts a new page when `needed` points do not fit above the bottom margin. */
function room(doc: Doc, needed: number): void {
  if (doc.y + needed > A4.height - MARGIN) doc.addPage();
}

/** A section title, kept with the first `keep` points of what follows it. */
function heading(doc: Doc, title: string, keep = 60): void {
  room(doc, keep);
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor(INK).text(title, MARGIN, doc.y);
  doc
    .moveTo(MARGIN, doc.y + 1)
    .lineTo(MARGIN + WIDTH, doc.y + 1)
    .strokeColor(RULE)
    .lineWidth(0.7)
    .stroke();
  doc.moveDown(0.4);
}

function paragraph(doc: Doc, body: string, color = INK): void {
  doc.font('Helvetica').fontSize(9.5).fillColor(color).text(body, MARGIN, doc.y, { width: WIDTH });
  doc.moveDown(0.3);
}

/** Label / value rows, as the HTML page's definition list. */
function pairs(doc: Doc, rows: [string, string, { font?: string; fill?: string }?][]): void {
  for (const [label, value, style] of rows) {
    const top = doc.y;
    const height = doc
      .font(style?.font ?? 'Helvetica')
      .fontSize(9.5)
      .heightOfString(value, { width: WIDTH - 120 });
    room(doc, height + 2);
    const y = doc.y === top ? top : doc.y;
    if (style?.fill) doc.rect(MARGIN + 118, y - 1.5, doc.widthOfString(value) + 8, height + 2).fill(style.fill);
    doc.font('Helvetica').fontSize(9.5).fillColor(MUTED).text(label, MARGIN, y, { width: 112 });
    doc
      .font(style?.font ?? 'Helvetica')
      .fontSize(9.5)
      .fillColor(INK)
      .text(value, MARGIN + 122, y, { width: WIDTH - 122 });
    doc.y = Math.max(doc.y, y + height) + 2;
  }
}

/** A table whose columns share the width by `weights`; cells wrap, rows never split across pages. */
function table(doc: Doc, headers: string[], rows: Cell[][], weights: number[] = headers.map(() => 1)): void {
  if (rows.length === 0) return paragraph(doc, 'None judged.', MUTED);
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => (w / total) * WIDTH);
  const row = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5);
    const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i]! - 6 }))) + 5;
    room(doc, height);
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const color = bold ? MUTED : cell === 'fail' ? '#a11' : cell === 'cannot judge' ? '#8a5a00' : INK;
      doc.fillColor(color).text(cell, x + 3, y + 2.5, { width: widths[i]! - 6 });
      x += widths[i]!;
    });
    doc
      .moveTo(MARGIN, y + height)
      .lineTo(MARGIN + WIDTH, y + height)
      .strokeColor('#e3e7ee')
      .lineWidth(0.5)
      .stroke();
    doc.y = y + height;
  };
  row(headers, true);
  for (const cells of rows) row(cells.map(text), false);
  doc.moveDown(0.4);
}

/** A chart from the layout the HTML page's SVG uses. */
function chart(doc: Doc, spec: BarChart): void {
  if (spec.groups.length === 0) return paragraph(doc, 'Nothing to chart.', MUTED);
  const height = 150;
  room(doc, height + 24);
  const l = layoutChart(spec, WIDTH, height);
  const top = doc.y;
  const at = (x: number, y: number) => [MARGIN + x, top + y] as const;
  doc.font('Helvetica').fontSize(7);
  for (const g of l.gridlines) {
    doc
      .moveTo(...at(l.plot.left, g.y))
      .lineTo(...at(l.plot.right, g.y))
      .strokeColor('#e3e7ee')
      .lineWidth(0.5)
      .stroke();
    doc.fillColor(MUTED).text(g.label, MARGIN, top + g.y - 3, { width: l.plot.left - 4, align: 'right' });
  }
  for (const b of l.bars) doc.rect(...at(b.x, b.y), b.width, b.height).fill(b.color);
  for (const g of l.gaps)
    doc.fillColor('#a11').text(g.text, MARGIN + g.x - 20, top + g.y - 7, { width: 40, align: 'center' });
  for (const t of l.labels)
    doc.fillColor(MUTED).text(t.text, MARGIN + t.x - 25, top + t.y - 6, { width: 50, align: 'center' });
  for (const e of l.legend) {
    doc.rect(...at(e.x, e.y - 7), 7, 7).fill(e.color);
    doc.fillColor(INK).text(e.text, MARGIN + e.x + 10, top + e.y - 6.5, { lineBreak: false });
  }
  doc
    .font('Helvetica-Oblique')
    .fontSize(8)
    .fillColor(MUTED)
    .text(spec.title, MARGIN, top + height + 2, { width: WIDTH });
  doc.y = top + height + 16;
}

function draw(doc: Doc, report: Report): void {
  const { decision, income, contributions } = report;
  const t = reportTables(report);
  doc.font('Helvetica-Bold').fontSize(17).fillColor(INK).text('Verification report', MARGIN, MARGIN);
  doc.moveDown(0.5);
  const review = decision.review;
  pairs(doc, [
    ['Verification', `${report.verificationId} (run ${report.runId})`],
    ['External user', report.externalUserId],
    [
      'Decision',
      `${decision.outcome}${decision.automatedOutcome ? ` (engine: ${decision.automatedOutcome})` : ''}`,
      { font: 'Helvetica-Bold', fill: OUTCOME_COLORS[decision.outcome] },
    ],
    ['Decided at', decision.evaluatedAt],
    ...(review
      ? review.status === 'EXPIRED'
        ? [['Review', 'EXPIRED: no reviewer decided before the review timeout'] as [string, string]]
        : [
            ['Review', `${review.outcome} by ${review.reviewer} (key ${review.keyName})`] as [string, string],
            ['Reviewed at', review.reviewedAt] as [string, string],
            ...(review.reasonCode || review.note
              ? [["Reviewer's reason", [review.reasonCode, review.note].filter(Boolean).join(': ')] as [string, string]]
              : []),
          ]
      : []),
    ['Data as of', report.dataAsOf],
    [
      'Applicant',
      `${report.applicant.fullName ?? 'no name given'}${report.applicant.dateOfBirth ? `, born ${report.applicant.dateOfBirth}` : ''}`,
    ],
    ['Engine version', decision.engineVersion],
    ['Evidence hash', decision.evidenceHash, { font: 'Courier' }],
  ]);

  heading(doc, 'Rules');
  table(doc, t.rules.headers, t.rules.rows, [2.2, 0.6, 1, 0.9, 0.9, 4]);

  heading(doc, 'Accounts judged');
  table(doc, t.accounts.headers, t.accounts.rows, [1.6, 1.2, 1, 1.5, 1.5, 1]);

  heading(doc, 'Identity');
  if (report.identity) {
    const { identity } = report;
    pairs(doc, [
      ['Name', text(identity.fullName)],
      ['Date of birth', text(identity.dateOfBirth)],
      [
        'Name match',
        `${text(identity.nameMatch.score)} (threshold ${identity.nameMatch.threshold}): ${identity.nameMatch.result.replace('_', ' ')}`,
      ],
      ['Account', identity.accountId],
    ]);
  } else paragraph(doc, 'No identity was shared.', MUTED);

  heading(doc, 'Employment');
  table(doc, t.employments.headers, t.employments.rows, [2, 1.6, 1, 1, 0.8, 0.9, 1.5]);

  heading(doc, 'Income', 230);
  paragraph(
    doc,
    `Source: ${income.source ?? 'none'}${income.frequency ? `, paid ${income.frequency}` : ''}. Average a month: ${amount(
      income.averageMonthlyGross,
      income.currency,
    )} gross, ${amount(income.averageMonthlyNet, income.currency)} net.`,
  );
  chart(doc, incomeChart(report));
  table(doc, t.incomeMonths.headers, t.incomeMonths.rows);

  heading(doc, `Contributions (last ${contributions.window} full months)`, 230);
  paragraph(
    doc,
    `${contributions.monthsWithContribution} months with a contribution; longest gap ${contributions.longestGapMonths} months.`,
  );
  chart(doc, contributionsChart(report));
  table(doc, t.contributionMonths.headers, t.contributionMonths.rows);

  if (report.documents) {
    heading(doc, 'Uploaded payslips');
    table(doc, t.documents.headers, t.documents.rows, [1.4, 0.7, 1.4, 1.2, 1.4, 1, 1, 1, 0.8, 0.9]);
    if (report.documentsNotJudged)
      paragraph(doc, `${report.documentsNotJudged} more payslips were uploaded and not judged.`, MUTED);
  }

  const { monitoring } = report;
  if (monitoring) {
    heading(doc, 'Monitoring');
    const ended = monitoring.endedReason ? `, ended ${monitoring.endedAt} (${monitoring.endedReason})` : '';
    paragraph(
      doc,
      `${monitoring.status} until ${monitoring.until}${ended}; last sync ${monitoring.lastSyncAt ?? 'none'}. This report shows decision version ${monitoring.decisionVersion}.`,
    );
    table(doc, t.monitoringChanges.headers, t.monitoringChanges.rows);
  }
  doc.moveDown(0.6);
  paragraph(doc, `Generated ${report.generatedAt}. Only the data this decision judged is shown.`, MUTED);
}

export function reportPdf(report: Report): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      info: { Title: `Verification report ${report.verificationId}`, Creator: 'smile-verify' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    draw(doc, report);
    doc.end();
  });
}
