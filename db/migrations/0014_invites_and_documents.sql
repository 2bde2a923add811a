-- A start request's invite contact (email, phone) is personal data: kept beside its
-- applicant, out of workflow history, and erased with it.
alter table verification_requests add column invite jsonb;

-- The Smile invite of a run, one per start request. The row is written before Smile
-- is asked, so a retried activity knows an earlier attempt may have created it; the
-- invite's Smile user routes webhooks to the external user as smile_users does.
create table invites (
  request_id text primary key,
  external_user_id text not null,
  created_at timestamptz not null default now(),
  invite_id text unique,
  smile_user_id text,
  url text
);
create index invites_smile_user_id on invites (smile_user_id) where smile_user_id is not null;

-- Uploaded payslips are stored like the other datapoints (erased and purged with
-- them): one row per archive, its status and Smile's extraction as received.
alter table datapoints drop constraint datapoints_kind_check;
alter table datapoints add constraint datapoints_kind_check
  check (kind in ('identities', 'employments', 'contributions', 'incomes', 'eincomes', 'payslips'));
