-- The inbox: every webhook and callback is committed here before it is
-- acknowledged, unique by event id, then signalled to its workflow (by the API at
-- once, or later by the relay). The workflow receives only a reference; activities
-- read `body` from here (a claim check).
create table inbox_events (
  id              text primary key,          -- Smile's event id (et-…), or a KYC callback / widget event id
  source          text not null check (source in ('smile', 'smile-id', 'widget')),
  type            text not null,             -- normalised event type (EMPLOYMENTS_ADDED, …)
  smile_user_id   text,                      -- routing key: data.userId
  verification_id text,                      -- the workflow it was routed to, once known
  body            jsonb,                     -- the whole envelope as received; null once erased
  received_at     timestamptz not null default now(),
  seq             bigserial not null,        -- arrival order, for the relay
  state           text not null default 'pending' check (state in ('pending', 'delivered', 'orphan', 'closed')),
  attempts        int not null default 0,
  next_attempt_at timestamptz not null default now(),
  delivered_at    timestamptz,
  last_error      text
);
create index inbox_events_pending_idx on inbox_events (seq) where state = 'pending';
create index inbox_events_smile_user_id_idx on inbox_events (smile_user_id);
create index inbox_events_verification_id_idx on inbox_events (verification_id);
create index inbox_events_state_idx on inbox_events (state);
