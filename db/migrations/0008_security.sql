-- Audit and poison data.

-- The API key (its name, never its secret) behind each erasure.
alter table erasures add column key_name text;

-- Who did what to a verification through the API (cancels; reviews and others as they come).
create table audit_events (
  id              bigserial primary key,
  action          text not null,
  verification_id text not null,
  key_name        text not null,
  at              timestamptz not null default now()
);
create index audit_events_verification_id_idx on audit_events (verification_id);

-- The exact signed bytes of a webhook whose JSON Postgres cannot hold as it is
-- (NUL characters, lone surrogates, infinite numbers, very deep nesting): `body`
-- then holds the storable copy (db/json.ts), this the original.
alter table inbox_events add column raw_body bytea;
