-- Search (GET /v1/verifications) and retention.

-- The run's decision outcome as a column, so search filters on it with an index
-- (written by recordVerification from status_document.decision.outcome).
alter table verifications add column decision text;
update verifications set decision = status_document->'decision'->>'outcome'
where status_document->'decision'->>'outcome' is not null;

-- When the retention purge removed this run's personal data (null: not purged).
alter table verifications add column purged_at timestamptz;

-- Keyset pagination, newest first: every filter's index ends with the sort key
-- (created_at desc, run_id desc), so a page is an index range scan, never a sort.
create index verifications_created_at_run_id_idx on verifications (created_at desc, run_id desc);
create index verifications_status_created_at_idx on verifications (status, created_at desc, run_id desc);
create index verifications_decision_created_at_idx on verifications (decision, created_at desc, run_id desc);
create index verifications_external_user_id_created_at_idx
  on verifications (external_user_id, created_at desc, run_id desc);
-- The sort-key indexes above cover what these answered alone.
drop index verifications_status_idx;
drop index verifications_external_user_id_idx;

-- The retention purge's work list: closed runs not yet purged, oldest first.
create index verifications_unpurged_closed_at_idx on verifications (closed_at) where purged_at is null;

-- Erasure finds a user's KYC callbacks by their job id (kyc-<runId>).
create index inbox_events_job_id_idx on inbox_events (job_id) where job_id is not null;

-- Why each erasure happened: an API request, a disconnect under eraseOnDisconnect, or retention.
alter table erasures add column kind text not null default 'request'
  check (kind in ('request', 'disconnect', 'retention'));
