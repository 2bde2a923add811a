-- smile-verify schema, part 7: Smile calls that hold across worker processes.

-- The shared request budget of one Smile account (SMILE_RATE_LIMIT_PER_SECOND for the
-- whole deployment): each request reserves the next slot from this row.
create table smile_rate_limits (
  key       text primary key,
  next_slot timestamptz not null
);

-- A Smile user about to be created for an external user: POST /users has no idempotency
-- key, so the intent is stored first and its key travels in the user's externalMetadata;
-- a retried creation finds the user it made instead of creating a second one.
create table smile_user_intents (
  external_user_id text primary key,
  intent_key       uuid not null,
  created_at       timestamptz not null default now()
);
