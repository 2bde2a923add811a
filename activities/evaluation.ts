import type { Policy } from '../workflows/policy.js';
import type { Decision, RunAccount } from '../workflows/types.js';
import { evaluate } from './decide/evaluate.js';
import { evidenceHash } from './decide/evidence.js';
import type { EvaluationInput, KycInput } from './decide/types.js';
import { ENGINE_VERSION } from './decide/version.js';
import { loadAccountData } from './store/datapoints.js';
import type { Sql } from './store/db.js';
import { findDecision, insertDecision } from './store/decisions.js';
import { loadApplicant } from './store/users.js';
import { statusDocumentOf } from './store/verifications.js';

const CONNECTED = new Set(['CONNECTED', 'UPLOADED']);

export interface EvaluateVerificationInput {
  runId: string;
  requestId: string;
  smileUserId: string;
  policy: Policy;
  kyc?: KycInput;
  /** The run's accounts (SPEC §6): the decision reads their data and nobody else's. */
  accounts?: RunAccount[];
}

/** The decision activity: gathers exactly the inputs, judges them, stores the decision with its evidence. */
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

  return {
    /** Judges the run's accounts' data; one decision per run (a retry returns the first). No personal data in the result. */
    async evaluateVerification(input: EvaluateVerificationInput): Promise<Decision> {
      const existing = await findDecision(sql, input.runId);
      if (existing) return existing;
      const accounts = [...(await accountsOf(input))].sort((a, b) => a.accountId.localeCompare(b.accountId));
      const { fullName, dateOfBirth } = await loadApplicant(sql, input.requestId);
      const inputs: EvaluationInput = {
        engineVersion: ENGINE_VERSION,
        evaluatedAt: new Date().toISOString(),
        applicant: { ...(fullName ? { fullName } : {}), ...(dateOfBirth ? { dateOfBirth } : {}) },
        policy: input.policy,
        accounts: await loadAccountData(sql, input.smileUserId, accounts),
        ...(input.kyc ? { kyc: input.kyc } : {}),
      };
      const evaluation = evaluate(inputs);
      const decision: Decision = {
        outcome: evaluation.outcome,
        reasons: evaluation.reasons,
        evaluatedAt: inputs.evaluatedAt,
        evidenceHash: evidenceHash(inputs),
        engineVersion: ENGINE_VERSION,
      };
      await insertDecision(sql, {
        runId: input.runId,
        smileUserId: input.smileUserId,
        policy: input.policy,
        decision,
        inputs,
        findings: evaluation.findings,
        rules: evaluation.rules,
        accounts,
      });
      // A concurrent attempt may have stored first: the stored decision is the one.
      return (await findDecision(sql, input.runId)) ?? decision;
    },
  };
}
