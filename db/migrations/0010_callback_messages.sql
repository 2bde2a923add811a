-- Result callback messages: each message, with its own webhook-id, is
-- the body it was first sent with, so every retry sends the same bytes' content
-- (a later change of the status document is a later message). `body` is the
-- status document plus `type`: personal data, nulled by erasure and retention.
create table callback_messages (
  message_id text primary key,  -- the webhook-id (workflows/ids.ts callbackMessageId)
  run_id     text not null,
  type       text not null,
  body       jsonb,
  created_at timestamptz not null default now()
);
create index callback_messages_run_id_idx on callback_messages (run_id);
