-- One row per external user whose erasure was ever asked for (DELETE …/data, or a
-- disconnect under eraseOnDisconnect): while finished_at is null the erasure runs
-- and a start for the user is refused; a new request after it finished starts over.
create table user_erasures (
  external_user_id text primary key,
  requested_at     timestamptz not null default now(),
  finished_at      timestamptz
);
