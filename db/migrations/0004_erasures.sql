-- The audit trail of erasures (DELETE /v1/verifications/:id/data): who, when, how much.
create table erasures (
  id              bigserial primary key,
  verification_id text not null,
  smile_user_id   text,
  counts          jsonb not null,
  erased_at       timestamptz not null default now()
);
create index erasures_verification_id_idx on erasures (verification_id);
