import type { DecidedRun, DecisionEvidence } from '../db/decisions.js';
import type { Report } from '../api/schemas/report.js';

/**
 * The report of a decided run, from what the decision stored: its
 * inputs, what it judged and every rule. Only the data the decision judged
 * appears: accounts of the run, and the data of those whose identity matched.
 */
export function buildReport(run: DecidedRun & { evidence: DecisionEvidence }, generatedAt: Date): Report {
  const { document, decision, evidence } = run;
  const judged = new Map(evidence.findings.accounts.map((a) => [a.accountId, a]));
  const accounts = evidence.accounts.map((a) => ({
    accountId: a.accountId,
    providerId: a.providerId,
    sourceType: a.sourceType ?? null,
    connectedAt: a.connectedAt ?? null,
    lastSyncAt: a.lastSyncAt ?? null,
    identityMatched: judged.get(a.accountId)?.identityMatched ?? null,
  }));
  const syncs = accounts.map((a) => a.lastSyncAt).filter((at): at is string => at !== null);
  const automatedOutcome = document.decision?.automatedOutcome;
  const review = document.review;
  return {
    verificationId: document.verificationId,
    runId: run.runId,
    externalUserId: document.externalUserId,
    generatedAt: generatedAt.toISOString(),
    dataAsOf: syncs.sort().at(-1) ?? decision.evaluatedAt,
    decision: {
      // A reviewer's outcome, when one changed the engine's (then `automatedOutcome` keeps the engine's).
      outcome: document.decision?.outcome ?? decision.outcome,
      ...(automatedOutcome ? { automatedOutcome } : {}),
      reasons: decision.reasons,
      evaluatedAt: decision.evaluatedAt,
      evidenceHash: decision.evidenceHash,
      engineVersion: decision.engineVersion,
      policy: run.policy as unknown as Record<string, unknown>,
      ...(review ? { review } : {}),
    },
    applicant: evidence.inputs.applicant,
    accounts,
    identity: evidence.findings.identity,
    employments: evidence.findings.employments,
    income: evidence.findings.income,
    contributions: evidence.findings.contributions,
    rules: evidence.rules,
    ...(evidence.findings.documents ? { documents: evidence.findings.documents } : {}),
    ...(evidence.findings.documentsNotJudged ? { documentsNotJudged: evidence.findings.documentsNotJudged } : {}),
    ...(document.monitoring ? { monitoring: { ...document.monitoring, decisionVersion: run.version } } : {}),
  };
}
