-- The account-wide gateway configuration of /gateway-config (request limits and account settings), one row
-- shared by every instance like the resources: a change made on one instance is followed by the others.
-- "body" holds the document as the management API shows it (no secret is part of it).
-- ${schema} and ${channel} are replaced by the store before this script runs.

create table ${schema}.gateway_config (
  id   text primary key check (id = 'gateway-config'),
  body jsonb not null
);

create trigger changed after insert or update or delete on ${schema}.gateway_config
  for each row execute function ${schema}.record_change('GATEWAY_CONFIG', 'id', '${channel}');
create trigger truncated after truncate on ${schema}.gateway_config
  for each statement execute function ${schema}.record_truncate('GATEWAY_CONFIG', '${channel}');
