-- An audit row written by a workflow activity (a review) names its run: the
-- activity may be retried, and the unique index makes its insert happen once.
-- `details` holds what the action decided (a review's outcome), never personal data.
alter table audit_events add column run_id text;
alter table audit_events add column details jsonb;
create unique index audit_events_run_action_key on audit_events (run_id, action) where run_id is not null;
