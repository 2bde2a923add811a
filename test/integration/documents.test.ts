import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../api/schemas/report.js';
import { pdfText } from '../support/pdf-text.js';
import {
  connect,
  SANDBOX_USERS,
  setFaults,
  startVerification,
  uniqueUser,
  waitUntilClosed,
} from '../support/journeys.js';
import { auth, startStack, type Stack } from '../support/stack.js';
import { saveHistory } from '../support/history.js';

/** Uploaded payslips judged against the run's linked data (SPEC §6 "Documents"), end to end through the sandbox. */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterEach(() => setFaults(stack, null));
afterAll(() => stack?.close());

const maria = SANDBOX_USERS.maria;

async function upload(userToken: string, body: Record<string, unknown>) {
  const response = await fetch(`${stack.sandboxUrl}/sandbox/v1/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userToken, ...body }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { archives: { id: string }[] } }).data.archives;
}

const reportOf = async (id: string) =>
  (await stack.app.inject({ method: 'GET', url: `/v1/verifications/${id}/report`, headers: auth })).json() as Report;

/**
 * Maria links her account and uploads payslips. No TASK_FINISHED is delivered, so the run
 * takes both sources when `dataTimeout` passes and fetches them from Smile: the account's
 * data and each archive with Smile's extraction.
 */
async function mariaWithUploads(name: string, uploads: Record<string, unknown>, faults: Record<string, unknown> = {}) {
  const started = await startVerification(stack, {
    externalUserId: uniqueUser(name),
    applicant: { fullName: maria.fullName },
    policy: { dataTimeout: '3s' },
  });
  await setFaults(stack, { dropEventTypes: ['TASK_FINISHED'], ...faults });
  expect((await connect(stack, started.link.userToken, maria)).status).toBe(200);
  const archives = await upload(started.link.userToken, uploads);
  const doc = await waitUntilClosed(stack, started.verificationId);
  await saveHistory(`uploads-${name}`, stack.client.workflow.getHandle(started.verificationId));
  return { doc, archives, report: await reportOf(started.verificationId) };
}

describe('uploaded payslips', () => {
  it('Maria’s six payslips agree with her payroll: APPROVED, six consistent documents in the report', async () => {
    const { doc, archives, report } = await mariaWithUploads('docs-maria', { persona: 'maria', count: 6 });
    expect(doc.status).toBe('COMPLETED');
    expect(doc.decision?.reasons).toEqual([]);
    expect(doc.decision?.outcome).toBe('APPROVED');
    expect(doc.documents?.map((d) => d.archiveId).sort()).toEqual(archives.map((a) => a.id).sort());
    expect(report.documents).toHaveLength(6);
    for (const document of report.documents!) {
      expect(document).toMatchObject({
        type: 'PAYSLIP',
        validFile: true,
        employer: 'Luzon Harbor Logistics Inc.',
        employeeName: 'Maria Clara Santos',
        gross: 12_500,
        currency: 'PHP',
        nameMatch: { result: 'pass' },
        consistency: { result: 'pass', difference: 0 },
      });
    }
    expect(report.rules.find((r) => r.code === 'DOCUMENT_INCONSISTENT')?.result).toBe('pass');
    expect(report.rules.find((r) => r.code === 'DOCUMENT_INVALID')?.result).toBe('pass');
    const html = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications/${doc.verificationId}/report`,
      headers: { ...auth, accept: 'text/html' },
    });
    expect(html.body).toContain('Uploaded payslips');
    expect(html.body.match(/Luzon Harbor Logistics Inc\./g)?.length).toBeGreaterThanOrEqual(6);
    // The PDF has the same table: every archive id is in its text.
    const pdf = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications/${doc.verificationId}/report`,
      headers: { ...auth, accept: 'application/pdf' },
    });
    const text = (await pdfText(pdf.rawPayload)).replace(/\s+/g, '');
    expect(text).toContain('Uploadedpayslips');
    for (const archive of archives) expect(text).toContain(archive.id);
  });

  it('payslips claiming 20,000 per half month: REVIEW with DOCUMENT_INCONSISTENT', async () => {
    const { doc, report } = await mariaWithUploads(
      'docs-inconsistent',
      { persona: 'maria', count: 2 },
      { inconsistentPayslips: true },
    );
    expect(doc.decision?.outcome).toBe('REVIEW');
    expect(doc.decision?.reasons.map((r) => r.code)).toEqual(['DOCUMENT_INCONSISTENT']);
    expect(report.documents!.map((d) => [d.gross, d.consistency.result, d.consistency.difference])).toEqual([
      [20_000, 'fail', 0.6],
      [20_000, 'fail', 0.6],
    ]);
  });

  it('a file Smile says is no payslip: REVIEW with DOCUMENT_INVALID', async () => {
    const { doc, report } = await mariaWithUploads('docs-invalid', { notAPayslip: true });
    expect(doc.decision?.outcome).toBe('REVIEW');
    expect(doc.decision?.reasons.map((r) => r.code)).toEqual(['DOCUMENT_INVALID']);
    expect(report.documents).toMatchObject([{ validFile: false }]);
  });

  it('payslips alone, with acceptPayslipsAsIncome and minMonthlyIncome: the income is the payslips’', async () => {
    const started = await startVerification(stack, {
      externalUserId: uniqueUser('docs-alone'),
      applicant: { fullName: maria.fullName },
      policy: { requiredDatapoints: ['incomes'], acceptPayslipsAsIncome: true, minMonthlyIncome: { PHP: 20_000 } },
    });
    await upload(started.link.userToken, { persona: 'maria', count: 6 });
    const doc = await waitUntilClosed(stack, started.verificationId);
    expect(doc.status).toBe('COMPLETED');
    const report = await reportOf(started.verificationId);
    expect(report.income.source).toBe('payslips');
    expect(report.income.averageMonthlyGross).toBe(25_000);
    expect(report.rules.find((r) => r.code === 'INCOME_BELOW_MINIMUM')).toMatchObject({
      result: 'pass',
      value: 25_000,
    });
    expect(report.rules.find((r) => r.code === 'MISSING_DATAPOINT')?.result).toBe('pass');
    // Without the policy's leave, payslips are no income.
    const strict = await startVerification(stack, {
      externalUserId: uniqueUser('docs-alone-strict'),
      applicant: { fullName: maria.fullName },
      policy: { requiredDatapoints: ['incomes'], minMonthlyIncome: { PHP: 20_000 } },
    });
    await upload(strict.link.userToken, { persona: 'maria', count: 6 });
    await waitUntilClosed(stack, strict.verificationId);
    const strictReport = await reportOf(strict.verificationId);
    expect(strictReport.income.source).toBeNull();
    expect(strictReport.rules.find((r) => r.code === 'INCOME_BELOW_MINIMUM')?.result).toBe('cannot_judge');
  });

  it('a file Smile cannot read (ARCHIVE_FAILED) counts as a failed attempt', async () => {
    const started = await startVerification(stack, {
      externalUserId: uniqueUser('docs-failed'),
      applicant: { fullName: maria.fullName },
      policy: { maxConnectAttempts: 1 },
    });
    await upload(started.link.userToken, { unreadableFile: true });
    const doc = await waitUntilClosed(stack, started.verificationId);
    expect(doc).toMatchObject({ status: 'FAILED', failure: { code: 'TOO_MANY_ACCOUNT_FAILURES' } });
    expect(doc.accounts).toMatchObject([{ status: 'FAILED', errorCode: 'FILE_UNABLE_TO_RECOGNIZE' }]);
  });
});
