-- Continuous monitoring: a run's decision may be re-judged by its monitor.

-- Every decision of a run is kept: version 1 is the engine's first, each later one a
-- monitor's re-evaluation whose outcome or rule results changed. `trigger_event_id`
-- (the ACCOUNT_SYNC_TASK_FINISHED that caused it) makes a retried re-evaluation
-- find the version it already wrote instead of writing another.
alter table decisions
  add column version          int not null default 1,
  add column trigger_event_id text;
alter table decisions drop constraint decisions_pkey;
alter table decisions add primary key (run_id, version);
create unique index decisions_run_id_trigger_event_id_idx on decisions (run_id, trigger_event_id)
  where trigger_event_id is not null;

-- One monitor per monitored run (workflow id monitor-<external_user_id>): what operators
-- look up, and the revision that keeps a late write from replacing a newer one.
create table monitors (
  run_id           text primary key,
  verification_id  text not null,
  external_user_id text not null,
  smile_user_id    text not null,
  status           text not null check (status in ('ACTIVE', 'ENDED')),
  until            timestamptz not null,
  revision         int not null,
  started_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  ended_at         timestamptz,
  ended_reason     text
);
create index monitors_external_user_id_idx on monitors (external_user_id);
create index monitors_smile_user_id_idx on monitors (smile_user_id);
