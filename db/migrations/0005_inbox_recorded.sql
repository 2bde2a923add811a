-- Progress events (TASK_STARTED, *_ADDED, *_UPDATED, unknown types) are routed and
-- kept but no longer signalled: state 'recorded'. Only events that can change a
-- verification's course are signalled (workflows/messages.ts SIGNALLED_SMILE_EVENTS).
alter table inbox_events drop constraint inbox_events_state_check;
alter table inbox_events add constraint inbox_events_state_check
  check (state in ('pending', 'delivered', 'recorded', 'orphan', 'closed'));
