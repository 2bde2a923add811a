import type { EvaluationInput, Findings, Rule } from '../decide/types.js';
import type { Policy } from '../workflows/policy.js';
import type { Decision, RunAccount, StatusDocument } from '../workflows/types.js';
import type { Db } from './client.js';

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

/** A run's latest decision version, if it has one: a retried evaluation returns it. */
export async function findDecision(sql: Db, runId: string): Promise<Decision | undefined> {
  return (await latestVersion(sql, runId))?.decision;
}

export interface DecisionVersion {
  version: number;
  decision: Decision;
  rules: Rule[] | null;
}

/** A run's newest decision version (each monitor change adds one;). */
export async function latestVersion(sql: Db, runId: string): Promise<DecisionVersion | undefined> {
  const [row] = await sql<(DecisionRow & { version: number; rules: Rule[] | null })[]>`
    select version, outcome, reasons, evaluated_at, evidence_hash, engine_version, rules from decisions
    where run_id = ${runId} order by version desc limit 1`;
  return row && { version: row.version, decision: decisionOf(row), rules: row.rules };
}

/** One version of a run's decision, by number or by the event whose re-evaluation wrote it (a retry finds it). */
export async function decisionVersion(
  sql: Db,
  runId: string,
  which: { version: number } | { triggerEventId: string },
): Promise<DecisionVersion | undefined> {
  const [row] = await sql<(DecisionRow & { version: number; rules: Rule[] | null })[]>`
    select version, outcome, reasons, evaluated_at, evidence_hash, engine_version, rules from decisions
    where run_id = ${runId} and ${
      'version' in which ? sql`version = ${which.version}` : sql`trigger_event_id = ${which.triggerEventId}`
    }`;
  return row && { version: row.version, decision: decisionOf(row), rules: row.rules };
}

export interface DecisionEvidence {
  inputs: EvaluationInput;
  findings: Findings;
  rules: Rule[];
  accounts: RunAccount[];
}

/**
 * Stores a decision version of a run with the policy it was judged under and its
 * evidence: the exact inputs (so it can be re-run), what was judged, every rule.
 * Version 1 is the engine's first decision, a monitor's changes the next ones;
 * a second insert of the same version (or of the same trigger event) does nothing.
 */
export async function insertDecision(
  sql: Db,
  input: {
    runId: string;
    smileUserId: string;
    policy: Policy;
    decision: Decision;
    version?: number;
    triggerEventId?: string;
  } & DecisionEvidence,
): Promise<void> {
  const { runId, smileUserId, policy, decision, version = 1, triggerEventId = null } = input;
  const json = (value: unknown) => sql.json(value as never);
  await sql`
    insert into decisions (run_id, version, trigger_event_id, smile_user_id, outcome, reasons, policy, evaluated_at,
                           engine_version, evidence_hash, inputs, findings, rules, accounts)
    values (${runId}, ${version}, ${triggerEventId}, ${smileUserId}, ${decision.outcome}, ${json(decision.reasons)},
            ${json(policy)}, ${decision.evaluatedAt}, ${decision.engineVersion}, ${decision.evidenceHash},
            ${json(input.inputs)}, ${json(input.findings)}, ${json(input.rules)}, ${json(input.accounts)})
    on conflict do nothing`;
}

export interface DecidedRun {
  runId: string;
  /** The decision's version: 1 for the engine's first, more after a monitor's changes. */
  version: number;
  document: StatusDocument;
  decision: Decision;
  policy: Policy;
  /** Null when the decision was made before evidence was kept, or its personal data was erased. */
  evidence: DecisionEvidence | null;
  /** An erasure of the user's data happened after this decision. */
  erased: boolean;
}

/** The latest run of a verification that has a decision, with its latest decision version and its evidence. */
export async function latestDecidedRun(sql: Db, verificationId: string): Promise<DecidedRun | undefined> {
  const [row] = await sql<
    (DecisionRow & {
      run_id: string;
      version: number;
      status_document: StatusDocument;
      policy: Policy;
      inputs: EvaluationInput | null;
      findings: Findings | null;
      rules: Rule[] | null;
      accounts: RunAccount[] | null;
      erased: boolean;
    })[]
  >`
    select v.run_id, d.version, v.status_document, d.outcome, d.reasons, d.evaluated_at, d.evidence_hash, d.engine_version,
           d.policy, d.inputs, d.findings, d.rules, d.accounts,
           (exists (select 1 from erasures e
                    where e.verification_id = v.verification_id and e.erased_at >= d.evaluated_at)
            -- while the user's erasure runs, their data is as good as gone
            or exists (select 1 from user_erasures u
                       where u.external_user_id = v.external_user_id and u.finished_at is null)) as erased
    from verifications v join decisions d on d.run_id = v.run_id
    where v.verification_id = ${verificationId}
    order by v.created_at desc, d.version desc limit 1`;
  if (!row) return undefined;
  const evidence =
    row.inputs && row.findings && row.rules
      ? { inputs: row.inputs, findings: row.findings, rules: row.rules, accounts: row.accounts ?? [] }
      : null;
  return {
    runId: row.run_id,
    version: row.version,
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
 * Erasure: the runs' decisions keep outcome, reason and rule codes,
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
    from (select run_id from verifications where verification_id = ${verificationId}
          order by created_at desc limit 1) latest
    join decisions d on d.run_id = latest.run_id
    order by d.version desc limit 1`;
  return row?.erase ?? false;
}
