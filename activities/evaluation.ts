import type { Policy } from '../workflows/policy.js';
import type { Decision, MonitoringChange, RunAccount } from '../workflows/types.js';
import { evaluate } from '../decide/evaluate.js';
import { evidenceHash } from '../decide/evidence.js';
import type { DocumentData, EvaluationInput, KycInput } from '../decide/types.js';
import { ENGINE_VERSION } from '../decide/version.js';
import { loadAccountData, loadDocuments } from '../db/datapoints.js';
import { isUpload } from '../workflows/state.js';
import type { Sql } from '../db/client.js';
import { decisionVersion, findDecision, insertDecision, latestVersion, type DecisionVersion } from '../db/decisions.js';
import { loadApplicant } from '../db/users.js';
import { statusDocumentOf } from '../db/verifications.js';

const CONNECTED = new Set(['CONNECTED', 'UPLOADED']);

export interface EvaluateVerificationInput {
  runId: string;
  requestId: string;
  smileUserId: string;
  policy: Policy;
  kyc?: KycInput;
  /** The run's accounts: the decision reads their data and nobody else's. */
  accounts?: RunAccount[];
}

export interface ReevaluateInput extends EvaluateVerificationInput {
  accounts: RunAccount[];
  /** The ACCOUNT_SYNC_TASK_FINISHED that asked for it: a retry finds the version it wrote. */
  eventId: string;
}

/** A monitor's re-evaluation: unchanged, or the new version with what changed (no personal data). */
export type Reevaluation =
  { changed: false } | { changed: true; version: number; decision: Decision; change: MonitoringChange };

/** Each rule's result by code: a code absent passed. */
function resultsOf(rules: { code: string; result: string }[]): Map<string, string> {
  return new Map(rules.map((rule) => [rule.code, rule.result]));
}

/** The codes whose result differs between two decisions' rules (a code absent from one passed there). */
export function changedCodes(before: { code: string; result: string }[], after: { code: string; result: string }[]) {
  const a = resultsOf(before);
  const b = resultsOf(after);
  const codes = new Set([...a.keys(), ...b.keys()]);
  return [...codes].filter((code) => (a.get(code) ?? 'pass') !== (b.get(code) ?? 'pass')).sort();
}

/** The decision activities: gather exactly the inputs, judge them, store the decision with its evidence. */
export function createEvaluationActivities({ sql }: { sql: Sql }) {
  /**
   * A run scheduled before the workflow passed its accounts: the connected
   * accounts of its last stored status document, which are this run's own.
   */
  async function accountsOf(input: EvaluateVerificationInput): Promise<RunAccount[]> {
    if (input.accounts) return input.accounts;
    const document = await statusDocumentOf(sql, input.runId);
    return (document?.accounts ?? [])
      .filter((a) => CONNECTED.has(a.status))
      .map(({ accountId, providerId }) => ({ accountId, providerId }));
  }

  /** The run's uploads as stored, in id order; one not fetched (past those judged) has no extraction. */
  async function documentsOf(smileUserId: string, archiveIds: string[]): Promise<DocumentData[]> {
    const stored = new Map((await loadDocuments(sql, smileUserId, archiveIds)).map((d) => [d.archiveId, d]));
    return [...archiveIds]
      .sort()
      .map((archiveId) => stored.get(archiveId) ?? { archiveId, status: 'NOT_FETCHED', prediction: {} });
  }

  /** Judges the run's accounts' stored data now; nothing is written. */
  async function judge(input: EvaluateVerificationInput) {
    const accounts = [...(await accountsOf(input))].sort((a, b) => a.accountId.localeCompare(b.accountId));
    const uploads = accounts.filter(isUpload).map((a) => a.accountId);
    const { fullName, dateOfBirth } = await loadApplicant(sql, input.requestId);
    const inputs: EvaluationInput = {
      engineVersion: ENGINE_VERSION,
      evaluatedAt: new Date().toISOString(),
      applicant: { ...(fullName ? { fullName } : {}), ...(dateOfBirth ? { dateOfBirth } : {}) },
      policy: input.policy,
      accounts: await loadAccountData(
        sql,
        input.smileUserId,
        accounts.filter((a) => !isUpload(a)),
      ),
      ...(input.kyc ? { kyc: input.kyc } : {}),
      ...(uploads.length > 0 ? { documents: await documentsOf(input.smileUserId, uploads) } : {}),
    };
    const evaluation = evaluate(inputs);
    const decision: Decision = {
      outcome: evaluation.outcome,
      reasons: evaluation.reasons,
      evaluatedAt: inputs.evaluatedAt,
      evidenceHash: evidenceHash(inputs),
      engineVersion: ENGINE_VERSION,
    };
    const evidence = { inputs, findings: evaluation.findings, rules: evaluation.rules, accounts };
    return { decision, evidence };
  }

  return {
    /** Judges the run's accounts' data; one first decision per run (a retry returns it). No personal data in the result. */
    async evaluateVerification(input: EvaluateVerificationInput): Promise<Decision> {
      const existing = await findDecision(sql, input.runId);
      if (existing) return existing;
      const { decision, evidence } = await judge(input);
      await insertDecision(sql, { ...input, decision, ...evidence, version: 1 });
      // A concurrent attempt may have stored first: the stored decision is the one.
      return (await findDecision(sql, input.runId)) ?? decision;
    },

    /**
     * A monitor's re-evaluation after a sync: judged as the first
     * decision was (the run's policy, accounts and applicant), compared with the
     * run's latest version, which is the engine's own (a reviewer's outcome lives
     * in the status document, not here). Only a changed outcome or rule result
     * writes a version; a retry of the same event returns the version it wrote.
     */
    async reevaluateVerification(input: ReevaluateInput): Promise<Reevaluation> {
      const written = await decisionVersion(sql, input.runId, { triggerEventId: input.eventId });
      if (written) {
        const before = await decisionVersion(sql, input.runId, { version: written.version - 1 });
        return changeOf(before!, written);
      }
      const previous = await latestVersion(sql, input.runId);
      if (!previous) throw new Error(`run ${input.runId} has no decision to re-evaluate`);
      const { decision, evidence } = await judge(input);
      const codes = changedCodes(rulesOf(previous), evidence.rules);
      if (decision.outcome === previous.decision.outcome && codes.length === 0) return { changed: false };
      await insertDecision(sql, {
        ...input,
        decision,
        ...evidence,
        version: previous.version + 1,
        triggerEventId: input.eventId,
      });
      // The primary key (run, version) admits one writer; the stored version is the one.
      const stored = await decisionVersion(sql, input.runId, { triggerEventId: input.eventId });
      if (!stored)
        throw new Error(`version ${previous.version + 1} of run ${input.runId} was written by another event`);
      return changeOf(previous, stored);
    },
  };
}

/** A version's rule results: its rules, or for decisions made before rules were kept its reasons. */
const rulesOf = (version: DecisionVersion) => version.rules ?? version.decision.reasons;

function changeOf(before: DecisionVersion, after: DecisionVersion): Reevaluation {
  const { decision } = after;
  return {
    changed: true,
    version: after.version,
    decision,
    change: {
      at: decision.evaluatedAt,
      from: before.decision.outcome,
      to: decision.outcome,
      codes: changedCodes(rulesOf(before), rulesOf(after)),
    },
  };
}
