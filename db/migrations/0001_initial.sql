-- smile-verify schema, part 1: users, requests and verifications.
-- Forward-only: never edit a released migration; add the next number instead.

-- A Smile user per external user, reused by every later verification of that user.
create table smile_users (
  smile_user_id    text primary key,
  external_user_id text not null unique,
  created_at       timestamptz not null default now()
);

-- The claim check for a start request: the applicant's personal data lives here,
-- the workflow only carries request_id.
create table verification_requests (
  request_id       uuid primary key,
  external_user_id text not null,
  applicant        jsonb,
  created_at       timestamptz not null default now()
);
create index verification_requests_external_user_id_idx on verification_requests (external_user_id);

-- One row per verification run (keyed by the workflow's first run id, stable across
-- continue-as-new); answers GET /v1/verifications/:id after the workflow closed.
create table verifications (
  run_id           text primary key,
  verification_id  text not null,
  external_user_id text not null,
  request_id       uuid not null,
  smile_user_id    text,
  status           text not null,
  status_document  jsonb not null,
  created_at       timestamptz not null,
  updated_at       timestamptz not null,
  closed_at        timestamptz
);
create index verifications_verification_id_created_at_idx on verifications (verification_id, created_at desc);
create index verifications_external_user_id_idx on verifications (external_user_id);
create index verifications_smile_user_id_idx on verifications (smile_user_id);
create index verifications_status_idx on verifications (status);
create index verifications_request_id_idx on verifications (request_id);
