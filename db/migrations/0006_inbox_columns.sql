-- The webhook route parses each envelope once: what routing, signalling and storing
-- need is kept in columns beside the body, so nothing re-parses the body later.
alter table inbox_events
  add column account_id       text,     -- data.accountId, data.sourceId or data.archiveId
  add column provider_id      text,     -- data.providerId, or the first of data.providers
  add column source_type      text,     -- data.sourceType (ACCOUNT, ARCHIVE, UPLOAD)
  add column error_code       text,     -- data.errorCode (ACCOUNT_FAILED)
  add column datapoints       text[],   -- data.datapoints (TASK_FINISHED)
  add column has_payload      boolean not null default false, -- a non-empty data.payload
  add column event_created_at text,     -- the envelope's createdAt, as Smile wrote it
  add column job_id           text,     -- a KYC callback's PartnerParams.job_id
  add column result_code      text;     -- a KYC callback's ResultCode

-- Rows stored before these columns existed.
update inbox_events e set
  account_id       = coalesce(nullif(e.body->'data'->>'accountId', ''), nullif(e.body->'data'->>'sourceId', ''), nullif(e.body->'data'->>'archiveId', '')),
  provider_id      = coalesce(nullif(e.body->'data'->>'providerId', ''), nullif(e.body->'data'->'providers'->>0, '')),
  source_type      = nullif(e.body->'data'->>'sourceType', ''),
  error_code       = nullif(e.body->'data'->>'errorCode', ''),
  datapoints       = case when jsonb_typeof(e.body->'data'->'datapoints') = 'array'
                          then array(select jsonb_array_elements_text(e.body->'data'->'datapoints')) end,
  has_payload      = coalesce(jsonb_typeof(e.body->'data'->'payload') = 'object' and e.body->'data'->'payload' <> '{}'::jsonb, false),
  event_created_at = e.body->>'createdAt'
where e.source = 'smile' and e.body is not null;
update inbox_events e set job_id = e.body->'PartnerParams'->>'job_id', result_code = e.body->>'ResultCode'
where e.source = 'smile-id' and e.body is not null;

-- Sources and states nothing writes.
update inbox_events set state = 'orphan' where state = 'closed';
alter table inbox_events drop constraint inbox_events_source_check;
alter table inbox_events add constraint inbox_events_source_check check (source in ('smile', 'smile-id'));
alter table inbox_events drop constraint inbox_events_state_check;
alter table inbox_events add constraint inbox_events_state_check check (state in ('pending', 'delivered', 'recorded', 'orphan'));
