-- Synced Smile data, decisions and result-callback deliveries.

-- Every identity, employment, contribution, income and estimated income, keyed by
-- its Smile id; the raw JSON as Smile sent it (personal data: erased on request).
create table datapoints (
  id            text primary key,
  kind          text not null check (kind in ('identities', 'employments', 'contributions', 'incomes', 'eincomes')),
  smile_user_id text not null,
  account_id    text,
  raw           jsonb not null,
  updated_at    timestamptz not null default now()
);
create index datapoints_smile_user_id_kind_idx on datapoints (smile_user_id, kind);
create index datapoints_account_id_idx on datapoints (account_id);

-- One decision per verification run, with the policy it was judged under.
create table decisions (
  run_id        text primary key,
  smile_user_id text not null,
  outcome       text not null,
  reasons       jsonb not null,
  policy        jsonb not null,
  evaluated_at  timestamptz not null default now()
);
create index decisions_smile_user_id_idx on decisions (smile_user_id);

-- Each attempt to deliver a result callback.
create table callback_deliveries (
  id          bigserial primary key,
  run_id      text not null,
  webhook_id  text not null,
  url         text not null,
  status_code int,
  error       text,
  at          timestamptz not null default now()
);
create index callback_deliveries_run_id_idx on callback_deliveries (run_id);
