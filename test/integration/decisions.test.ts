import { mkdirSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../decide/evaluate.js';
import { evidenceHash } from '../../decide/evidence.js';
import type { EvaluationInput } from '../../decide/types.js';
import type { Report } from '../../api/schemas/report.js';
import { SANDBOX_PERSONAS, type SandboxPersona } from '../../sandbox/users.js';
import type { StatusDocument } from '../../workflows/types.js';
import { saveHistory } from '../support/history.js';
import * as journey from '../support/journeys.js';
import { pdfInfo, pdfText } from '../support/pdf-text.js';
import { auth, useStack } from '../support/stack.js';

/** What a decision judges (SPEC §6), its evidence, and the report that shows it (SPEC §9), end to end. */
const stack = useStack();

const policy = { connectTimeout: '30s', dataTimeout: '20s' };
const reasons = (doc: StatusDocument) => doc.decision?.reasons.map((r) => `${r.code}:${r.result}`) ?? [];

async function run(
  externalUserId: string,
  persona: SandboxPersona,
  applicant: Record<string, unknown> = { fullName: persona.fullName },
  overrides: Record<string, unknown> = {},
) {
  const started = await journey.startVerification(stack, {
    externalUserId,
    applicant,
    policy: { ...policy, ...overrides },
  });
  expect((await journey.connect(stack, started.link.userToken, persona)).status).toBeLessThan(300);
  return journey.waitUntilClosed(stack, started.verificationId);
}

const report = async (id: string, accept = 'application/json') =>
  stack.app.inject({ method: 'GET', url: `/v1/verifications/${id}/report`, headers: { ...auth, accept } });

describe('a returning user: only the accounts of this run count', () => {
  it("George, then Christina on the same externalUserId: the second run is DECLINED and judges only Christina's account", async () => {
    const user = journey.uniqueUser('george-then-christina');
    const george = { fullName: journey.SANDBOX_USERS.george.fullName };
    expect((await run(user, journey.SANDBOX_USERS.george, george)).decision?.outcome).toBe('APPROVED');
    const second = await run(user, journey.SANDBOX_USERS.christina, george);
    expect(second.decision?.outcome).toBe('DECLINED');
    expect(reasons(second)).toContain('NAME_MISMATCH:fail');
    const body = (await report(second.verificationId)).json() as Report;
    expect(body.accounts.map((a) => a.accountId)).toEqual(second.accounts.map((a) => a.accountId));
    expect(body.accounts).toEqual([expect.objectContaining({ providerId: 'cpf_sg', identityMatched: false })]);
    expect(body.employments).toEqual([]);
    expect(JSON.stringify(body)).not.toContain('ABC Corporation');
    await saveHistory('returning-user-declined', stack.client.workflow.getHandle(second.verificationId));
  });

  it("Christina, then George: the second run is APPROVED with only George's account", async () => {
    const user = journey.uniqueUser('christina-then-george');
    const first = await run(user, journey.SANDBOX_USERS.christina);
    expect(first.decision?.outcome).toBe('DECLINED');
    const second = await run(user, journey.SANDBOX_USERS.george);
    expect(second.decision?.outcome).toBe('APPROVED');
    const body = (await report(second.verificationId)).json() as Report;
    expect(body.accounts).toEqual([expect.objectContaining({ providerId: 'sss_ph', identityMatched: true })]);
    expect(body.employments.map((e) => e.employer).sort()).toEqual(['ABC Corporation', 'CDE Corporation']);
    expect(body.runId).not.toBe(first.verificationId);
  });

  it('George without an applicant name: REVIEW, NAME_MISMATCH cannot be judged', async () => {
    const doc = await run(journey.uniqueUser('george-nameless'), journey.SANDBOX_USERS.george, {});
    expect(doc.decision?.outcome).toBe('REVIEW');
    expect(doc.decision?.reasons).toContainEqual(
      expect.objectContaining({ code: 'NAME_MISMATCH', result: 'cannot_judge' }),
    );
  });
});

describe('income and Smile states', () => {
  it('Maria (semi-monthly pay) with minMonthlyIncome PHP 20,000: APPROVED; the report shows 25,000 gross / 21,600 net', async () => {
    const doc = await run(journey.uniqueUser('maria'), journey.SANDBOX_USERS.maria, undefined, {
      minMonthlyIncome: { PHP: 20_000 },
    });
    expect(doc.decision?.outcome).toBe('APPROVED');
    const { income, rules } = (await report(doc.verificationId)).json() as Report;
    expect(income).toMatchObject({
      source: 'incomes',
      currency: 'PHP',
      averageMonthlyGross: 25_000,
      averageMonthlyNet: 21_600,
      frequency: 'Semimonthly',
    });
    expect(income.months).toHaveLength(3);
    expect(rules).toContainEqual(expect.objectContaining({ code: 'INCOME_BELOW_MINIMUM', result: 'pass' }));
  });

  it('failSyncs: a FAILED sync is not data; at dataTimeout the run fetches, finds nothing and ends REVIEW', async () => {
    await journey.setFaults(stack, { failSyncs: true });
    try {
      const doc = await run(journey.uniqueUser('failed-sync'), journey.SANDBOX_USERS.george, undefined, {
        dataTimeout: '5s',
      });
      expect(doc.status).toBe('COMPLETED');
      expect(doc.decision?.outcome).toBe('REVIEW');
      expect(reasons(doc)).toContain('MISSING_DATAPOINT:fail');
      expect(doc.accounts[0]).toMatchObject({ status: 'CONNECTED', sync: { status: 'FAILED' } });
      await saveHistory('failed-sync', stack.client.workflow.getHandle(doc.verificationId));
    } finally {
      await journey.setFaults(stack, null);
    }
  });
});

describe('evidence', () => {
  it('re-running evaluate on the stored inputs gives the same outcome and hash, for every persona', async () => {
    const docs = await Promise.all(SANDBOX_PERSONAS.map((p) => run(journey.uniqueUser(`evidence-${p.key}`), p)));
    for (const [i, persona] of SANDBOX_PERSONAS.entries()) {
      const doc = docs[i]!;
      expect(doc.decision?.outcome, persona.key).toBe(persona.expected.outcome);
      for (const code of persona.expected.reasons) expect(reasons(doc).map((r) => r.split(':')[0])).toContain(code);
      const [row] = await stack.sql<{ inputs: EvaluationInput; evidence_hash: string; outcome: string }[]>`
        select d.inputs, d.evidence_hash, d.outcome from decisions d join verifications v using (run_id)
        where v.verification_id = ${doc.verificationId}`;
      expect(evaluate(row!.inputs).outcome).toBe(row!.outcome);
      expect(evidenceHash(row!.inputs)).toBe(row!.evidence_hash);
      expect(doc.decision?.evidenceHash).toBe(row!.evidence_hash);
      expect(row!.inputs.accounts.map((a) => a.accountId)).toEqual(doc.accounts.map((a) => a.accountId));
    }
  });
});

describe('the report (SPEC §9)', () => {
  let george: StatusDocument;
  beforeAll(async () => {
    george = await run(journey.uniqueUser('report'), journey.SANDBOX_USERS.george);
  });

  it('answers JSON, a printable HTML page and a PDF that name the employer and the outcome', async () => {
    const json = await report(george.verificationId);
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({
      verificationId: george.verificationId,
      decision: { outcome: 'APPROVED', evidenceHash: george.decision!.evidenceHash, engineVersion: expect.any(String) },
      identity: { fullName: 'George Cimafranca Palomero, Jr', nameMatch: { result: 'pass' } },
    });
    const html = await report(george.verificationId, 'text/html');
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('ABC Corporation');
    // Both charts, as inline SVG: a bar for each month with income, and the contribution window.
    expect(html.body.match(/<figure class="chart"><svg /g)).toHaveLength(2);
    expect(html.body).toContain('<figcaption>Monthly income</figcaption>');
    expect(html.body).toMatch(/<figcaption>Contributions, last \d+ full months<\/figcaption>/);
    const pdf = await report(george.verificationId, 'application/pdf');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    // Kept beside the screenshots, to look at (`pdftoppm -png test-results/report-george.pdf`).
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/report-george.pdf', pdf.rawPayload);
    // Drawn by a library, not printed by a browser.
    expect(await pdfInfo(pdf.rawPayload)).toMatchObject({ producer: 'PDFKit' });
    // Table cells wrap: a name may span lines.
    const text = (await pdfText(pdf.rawPayload)).replace(/\s+/g, ' ');
    expect(text).toContain('ABC Corporation');
    expect(text).toContain('APPROVED');
    expect(text).toContain(george.decision!.evidenceHash);
    expect(text).toContain('Monthly income');
    expect(text).toMatch(/Contributions, last \d+ full months/);
    expect((await report(george.verificationId, 'image/png')).statusCode).toBe(406);

    // The OpenAPI document describes the report, its three media types, and evaluate.
    const openapi = (await stack.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const path = openapi.paths['/v1/verifications/{id}/report'].get;
    expect(Object.keys(path.responses['200'].content)).toEqual(['application/json', 'text/html', 'application/pdf']);
    expect(path.responses['200'].content['application/json'].schema.properties).toHaveProperty('rules');
    expect(openapi.paths['/v1/verifications/{id}/evaluate'].post).toBeDefined();
  });

  it('evaluate: another policy answers without storing anything; a bad policy is a 400 naming the field', async () => {
    const evaluateWith = (policy: unknown) =>
      stack.app.inject({
        method: 'POST',
        url: `/v1/verifications/${george.verificationId}/evaluate`,
        headers: auth,
        payload: { policy },
      });
    const simulated = await evaluateWith({ minTenureMonths: 600 });
    expect(simulated.statusCode).toBe(200);
    expect(simulated.json()).toMatchObject({ outcome: 'REVIEW' });
    expect(simulated.json().reasons).toContainEqual(
      expect.objectContaining({ code: 'TENURE_TOO_SHORT', result: 'fail' }),
    );
    expect(((await report(george.verificationId)).json() as Report).decision.outcome).toBe('APPROVED');
    const [{ n }] = (await stack.sql`select count(*)::int as n from decisions d join verifications v using (run_id)
      where v.verification_id = ${george.verificationId}`) as unknown as [{ n: number }];
    expect(n).toBe(1);
    const bad = await evaluateWith({ nameMatchThreshold: 7 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toContainEqual(expect.objectContaining({ path: 'body.policy.nameMatchThreshold' }));
  });

  it('is 404 for an unknown id and before a decision, 410 after erasure (the status document keeps the decision)', async () => {
    expect((await report('verification-nobody-here')).statusCode).toBe(404);
    const waiting = await journey.startVerification(stack, { externalUserId: journey.uniqueUser('undecided'), policy });
    const early = await report(waiting.verificationId);
    expect(early.statusCode).toBe(404);
    expect(early.headers['content-type']).toMatch(/^application\/problem\+json/);
    await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${waiting.verificationId}/cancel`,
      headers: auth,
    });

    const erase = await stack.app.inject({
      method: 'DELETE',
      url: `/v1/verifications/${george.verificationId}/data`,
      headers: auth,
    });
    expect(erase.statusCode).toBe(202);
    // 410 from the request on; the rows are erased once the erasure workflow has run.
    expect((await report(george.verificationId)).statusCode).toBe(410);
    await stack.client.workflow.getHandle(erase.json().erasureId).result();
    expect((await report(george.verificationId, 'text/html')).statusCode).toBe(410);
    const doc = (
      await stack.app.inject({ method: 'GET', url: `/v1/verifications/${george.verificationId}`, headers: auth })
    ).json() as StatusDocument;
    expect(doc.decision).toMatchObject({ outcome: 'APPROVED', evidenceHash: george.decision!.evidenceHash });
    const [row] =
      await stack.sql`select inputs, findings, evidence_hash from decisions where evidence_hash = ${george.decision!.evidenceHash}`;
    expect(row).toMatchObject({ inputs: null, findings: null, evidence_hash: george.decision!.evidenceHash });
  });
});
