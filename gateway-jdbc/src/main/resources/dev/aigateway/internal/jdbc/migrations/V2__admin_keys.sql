-- Admin API keys (the management API's tokens), shared by every instance like the other resources. "body"
-- holds the key as the data directory writes it: a SHA-256 digest of the token, never the token.
-- ${schema} and ${channel} are replaced by the store before this script runs.

create table ${schema}.admin_keys (
  id        text primary key,
  body      jsonb not null,
  last_used timestamptz
);

create trigger inserted_or_deleted after insert or delete on ${schema}.admin_keys
  for each row execute function ${schema}.record_change('ADMIN_KEY', 'id', '${channel}');
-- lastUsed is written without a notification: it is advisory and changes often
create trigger updated after update on ${schema}.admin_keys
  for each row when (old.body is distinct from new.body or old.id is distinct from new.id)
  execute function ${schema}.record_change('ADMIN_KEY', 'id', '${channel}');
create trigger truncated after truncate on ${schema}.admin_keys
  for each statement execute function ${schema}.record_truncate('ADMIN_KEY', '${channel}');
