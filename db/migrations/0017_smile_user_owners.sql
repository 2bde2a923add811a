-- Whose a Smile user is, in one place for every router: the Smile user a run
-- created (smile_users), or the one Smile made for a run's invite (invites).
create view smile_user_owners as
  select smile_user_id, external_user_id from smile_users
  union all
  select smile_user_id, external_user_id from invites where smile_user_id is not null;
