import { patched } from '@temporalio/workflow';

const SIDE_EFFECTS_IN_MAIN_FLOW = 'side-effects-in-main-flow';

/**
 * Whether this run keeps every side effect in its main flow and every wait
 * bounded (`patched('side-effects-in-main-flow')`). It guards, for one marker:
 * - onTokenExpired: the signal handler records it and the main flow refreshes
 *   the token (at most once a minute), so a failed refresh never fails the run;
 * - while waiting for a connection, Smile's account list is asked every
 *   `connectionCheckInterval` and once more at `connectTimeout`;
 * - Smile events that arrive before the Smile user is known are kept, not dropped;
 * - a run continued as new while waiting for data resumes waiting for data;
 * - KYC: the job's state is set before it is submitted, a callback counts once
 *   job_status confirms it, and polling is one activity retried with backoff;
 * - the TASK_FINISHED payload is stored by a normal activity on the Smile task
 *   queue (it may page through the Smile API), not a local one;
 * - closing waits for running handlers (accepted `linkToken` updates) to finish.
 * Runs started without it replay as they were recorded. Once no such run is open
 * (the namespace's retention has passed since the last of them closed),
 * `deprecatePatch(SIDE_EFFECTS_IN_MAIN_FLOW)` may replace this call, the branches
 * for runs without it go, and so do the histories recorded without it.
 */
export function sideEffectsInMainFlow(): boolean {
  return patched(SIDE_EFFECTS_IN_MAIN_FLOW);
}

const RUN_SCOPED_DECISIONS = 'run-scoped-decisions';

/**
 * Whether this run judges only its own accounts and reads Smile's states as
 * SPEC §6 says (`patched('run-scoped-decisions')`). It guards, at once:
 * - how Smile events change the state (`applySmileEvent`'s `scoped`): a
 *   TASK_FINISHED with `status: FAILED` is not a sync, INVITE_LINKED connects
 *   without an account id, ARCHIVE_FAILED counts as a failed attempt and
 *   ARCHIVE_REVOKED as a disconnect; a sync counts only for an account of the run;
 * - collecting the data: the accounts of the run that the sync's payload does
 *   not cover are fetched from Smile (a further activity).
 * Runs started without it replay as they were recorded. Once none is open (the
 * namespace's retention has passed since the last closed), `deprecatePatch`
 * may replace this call, and the unscoped branches go with their histories in
 * test/replay/histories/.
 */
export function runScopedDecisions(): boolean {
  return patched(RUN_SCOPED_DECISIONS);
}
