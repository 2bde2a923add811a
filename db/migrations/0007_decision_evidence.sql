-- Decisions keep what they were made from: the engine version, the
-- evidence hash, the exact inputs (to re-run them: evaluate, the report) and
-- what was judged. `inputs` and `findings` hold personal data and are erased
-- with the user's data; the outcome, reasons, rules and hash stay.
alter table decisions
  add column engine_version text,
  add column evidence_hash  text,
  add column inputs         jsonb,   -- the EvaluationInput (decide/types.ts)
  add column findings       jsonb,   -- identity, employments, income, contributions as judged
  add column rules          jsonb,   -- every rule with its result (no personal data)
  add column accounts       jsonb;   -- the run's accounts: ids, provider, source type, connected and synced times

-- The decision reads a run's accounts' rows only: every row carries its account
-- (Smile's metadata.sourceId); rows stored without one get it from their raw JSON.
update datapoints
set account_id = coalesce(raw->'metadata'->>'sourceId', raw->'metadata'->>'accountId')
where account_id is null and coalesce(raw->'metadata'->>'sourceId', raw->'metadata'->>'accountId') is not null;
create index datapoints_smile_user_id_account_id_idx on datapoints (smile_user_id, account_id);

-- TASK_FINISHED / ACCOUNT_SYNC_TASK_FINISHED carry data.status: a FAILED sync is not data.
alter table inbox_events add column task_status text;
update inbox_events set task_status = nullif(body->'data'->>'status', '')
where source = 'smile' and body is not null and type in ('TASK_FINISHED', 'ACCOUNT_SYNC_TASK_FINISHED');
