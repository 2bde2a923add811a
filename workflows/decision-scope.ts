import { patched } from '@temporalio/workflow';

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
