import type { EvaluationInput, Findings, Rule } from '../decide/types.js';
import type { Policy } from '../../workflows/policy.js';
import type { Decision, RunAccount, StatusDocument } from '../../workflows/types.js';
import type { Db } from './db.js';

interface DecisionRow {
  outcome: Decision['outcome'];
  reasons: Decision['reasons'];
  evaluated_at: Date;
  evidence_hash: string | null;
  engine_version: string | null;
}

const decisionOf = (row: DecisionRow): Decision => ({
  outcome: row.outcome,
  reasons: row.reasons,
  evaluatedAt: row.evaluated_at.toISOString(),
  evidenceHash: row.evidence_hash ?? '',
  engineVersion: row.engine_version ?? '',
});

/** A run's decision, if it has one: a retried evaluation returns the first. */
export async function findDecision(sql: Db, runId: string): Promise<Decision | undefined> {
  const [row] = await sql<DecisionRow[]>`
    select outcome, reasons, evaluated_at, evidence_hash, engine_version from decisions where run_id = ${runId}`;
  return row && decisionOf(row);
}

export interface DecisionEvidence {
  inputs: EvaluationInput;
  findings: Findings;
  rules: Rule[];
  accounts: RunAccount[];
}

/**
 * Stores a run's decision with the policy it was judged under and its evidence:
 * the exact inputs (so it can be re-run), what was judged, every rule. One per
 * run (a second insert does nothing).
 */
export async function insertDecision(
  sql: Db,
  input: { runId: string; smileUserId: string; policy: Policy; decision: Decision } & DecisionEvidence,
): Promise<void> {
  const { runId, smileUserId, policy, decision } = input;
  const json = (value: unknown) => sql.json(value as never);
  await sql`
    insert into decisions (run_id, smile_user_id, outcome, reasons, policy, evaluated_at,
                           engine_version, evidence_hash, inputs, findings, rules, accounts)
    values (${runId}, ${smileUserId}, ${decision.outcome}, ${json(decision.reasons)}, ${json(policy)},
            ${decision.evaluatedAt}, ${decision.engineVersion}, ${decision.evidenceHash}, ${json(input.inputs)},
            ${json(input.findings)}, ${json(input.rules)}, ${json(input.accounts)})
    on conflict (run_id) do nothing`;
}

export interface DecidedRun {
  runId: string;
  document: StatusDocument;
  decision: Decision;
  policy: Policy;
  /** Null when the decision was made before evidence was kept, or its personal data was erased. */
  evidence: DecisionEvidence | null;
  /** An erasure of the user's data happened after this decision. */
  erased: boolean;
}

/** The latest run of a verification that has a decision (SPEC §9), with its evidence. */
export async function latestDecidedRun(sql: Db, verificationId: string): Promise<DecidedRun | undefined> {
  const [row] = await sql<
    (DecisionRow & {
      run_id: string;
      status_document: StatusDocument;
      policy: Policy;
      inputs: EvaluationInput | null;
      findings: Findings | null;
      rules: Rule[] | null;
      accounts: RunAccount[] | null;
      erased: boolean;
    })[]
  >`
    select v.run_id, v.status_document, d.outcome, d.reasons, d.evaluated_at, d.evidence_hash, d.engine_version,
           d.policy, d.inputs, d.findings, d.rules, d.accounts,
           exists (select 1 from erasures e
                   where e.verification_id = v.verification_id and e.erased_at >= d.evaluated_at) as erased
    from verifications v join decisions d on d.run_id = v.run_id
    where v.verification_id = ${verificationId}
    order by v.created_at desc limit 1`;
  if (!row) return undefined;
  const evidence =
    row.inputs && row.findings && row.rules
      ? { inputs: row.inputs, findings: row.findings, rules: row.rules, accounts: row.accounts ?? [] }
      : null;
  return {
    runId: row.run_id,
    document: row.status_document,
    decision: decisionOf(row),
    policy: row.policy,
    evidence,
    erased: row.erased,
  };
}

/** What a reason's or rule's message reads once erased: messages may quote an employer or an amount. */
export const ERASED_MESSAGE = '(erased)';

/**
 * Erasure (SPEC §10): the runs' decisions keep outcome, reason and rule codes,
 * results, values, thresholds and the evidence hash; their inputs, findings and
 * the messages of reasons and rules (which may quote an employer's name) go.
 */
export async function eraseDecisionEvidence(sql: Db, runIds: string[]): Promise<number> {
  if (runIds.length === 0) return 0;
  const rows = await sql<{ had: boolean }[]>`
    with before as (
      select run_id, (inputs is not null or findings is not null) as had from decisions
      where run_id = any(${runIds}) for update)
    update decisions d set inputs = null, findings = null,
      reasons = coalesce((select jsonb_agg(r || jsonb_build_object('message', ${ERASED_MESSAGE}::text))
                          from jsonb_array_elements(d.reasons) r), '[]'::jsonb),
      rules = (select jsonb_agg(r || jsonb_build_object('message', ${ERASED_MESSAGE}::text))
               from jsonb_array_elements(d.rules) r)
    from before b where d.run_id = b.run_id
    returning b.had`;
  return rows.filter((row) => row.had).length;
}

/** Whether the policy of a verification's latest decided run asks to erase the data on disconnect. */
export async function erasesOnDisconnect(sql: Db, verificationId: string): Promise<boolean> {
  const [row] = await sql<{ erase: boolean }[]>`
    select coalesce((d.policy->>'eraseOnDisconnect')::boolean, false) as erase
    from verifications v join decisions d on d.run_id = v.run_id
    where v.verification_id = ${verificationId}
    order by v.created_at desc limit 1`;
  return row?.erase ?? false;
}
