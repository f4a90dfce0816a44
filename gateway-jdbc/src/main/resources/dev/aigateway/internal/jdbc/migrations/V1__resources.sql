-- The gateway's resources, one table each. "body" holds the resource as the data directory writes it
-- (access keys: a SHA-256 or HMAC digest of the token's secret, never the token; provider keys: the value
-- sealed with AES-256-GCM under the master key, never the plain value).
-- ${schema} and ${channel} are replaced by the store before this script runs.

create sequence ${schema}.creation_order;

create table ${schema}.access_keys (
  id               text primary key,
  configuration_id text,
  body             jsonb not null,
  last_used        timestamptz
);
create index access_keys_configuration on ${schema}.access_keys (configuration_id);

create table ${schema}.configurations (
  id          text primary key,
  created_seq bigint not null default nextval('${schema}.creation_order'),
  body        jsonb not null
);

create table ${schema}.provider_keys (
  id          text primary key,
  provider_id text not null,
  created_seq bigint not null default nextval('${schema}.creation_order'),
  body        jsonb not null
);

create table ${schema}.providers (
  provider_id text primary key,
  id          text not null,
  created_seq bigint not null default nextval('${schema}.creation_order'),
  body        jsonb not null
);

create table ${schema}.virtual_models (
  id          text primary key,
  created_seq bigint not null default nextval('${schema}.creation_order'),
  body        jsonb not null
);

-- One row per change, in commit order: every instance reads the rows after the last one it has seen.
create table ${schema}.changes (
  seq           bigserial primary key,
  resource_type text not null,
  resource_id   text not null,
  changed_at    timestamptz not null default now()
);

-- name/value pairs: the master key check value, how far the change log was pruned
create table ${schema}.store_meta (
  name  text primary key,
  value text not null
);
insert into ${schema}.store_meta (name, value) values ('pruned_through', '0');

-- Records a change and notifies listeners, in the transaction that made it. The advisory lock serialises the
-- writers of changes until they commit, so sequence numbers become visible in order and a reader that asks for
-- "seq > last seen" never skips one that commits later.
-- Arguments: the resource type, the column that identifies the resource, the notification channel.
create function ${schema}.record_change() returns trigger language plpgsql as $fn$
declare
  rid text;
begin
  perform pg_advisory_xact_lock(1095321431, hashtext(tg_table_schema));
  if tg_op = 'DELETE' then
    rid := to_jsonb(old) ->> tg_argv[1];
  else
    rid := to_jsonb(new) ->> tg_argv[1];
  end if;
  insert into ${schema}.changes (resource_type, resource_id) values (tg_argv[0], rid);
  perform pg_notify(tg_argv[2], tg_argv[0] || ' ' || rid);
  return null;
end
$fn$;

-- A TRUNCATE is one change of every resource of the table ('*'): instances reload that table.
create function ${schema}.record_truncate() returns trigger language plpgsql as $fn$
begin
  perform pg_advisory_xact_lock(1095321431, hashtext(tg_table_schema));
  insert into ${schema}.changes (resource_type, resource_id) values (tg_argv[0], '*');
  perform pg_notify(tg_argv[1], tg_argv[0] || ' *');
  return null;
end
$fn$;

create trigger inserted_or_deleted after insert or delete on ${schema}.access_keys
  for each row execute function ${schema}.record_change('ACCESS_KEY', 'id', '${channel}');
-- lastUsed is written without a notification: it is advisory and changes often
create trigger updated after update on ${schema}.access_keys
  for each row when (old.body is distinct from new.body or old.id is distinct from new.id)
  execute function ${schema}.record_change('ACCESS_KEY', 'id', '${channel}');
create trigger truncated after truncate on ${schema}.access_keys
  for each statement execute function ${schema}.record_truncate('ACCESS_KEY', '${channel}');

create trigger changed after insert or update or delete on ${schema}.configurations
  for each row execute function ${schema}.record_change('CONFIGURATION', 'id', '${channel}');
create trigger truncated after truncate on ${schema}.configurations
  for each statement execute function ${schema}.record_truncate('CONFIGURATION', '${channel}');

create trigger changed after insert or update or delete on ${schema}.provider_keys
  for each row execute function ${schema}.record_change('PROVIDER_KEY', 'id', '${channel}');
create trigger truncated after truncate on ${schema}.provider_keys
  for each statement execute function ${schema}.record_truncate('PROVIDER_KEY', '${channel}');

create trigger changed after insert or update or delete on ${schema}.providers
  for each row execute function ${schema}.record_change('PROVIDER', 'provider_id', '${channel}');
create trigger truncated after truncate on ${schema}.providers
  for each statement execute function ${schema}.record_truncate('PROVIDER', '${channel}');

create trigger changed after insert or update or delete on ${schema}.virtual_models
  for each row execute function ${schema}.record_change('VIRTUAL_MODEL', 'id', '${channel}');
create trigger truncated after truncate on ${schema}.virtual_models
  for each statement execute function ${schema}.record_truncate('VIRTUAL_MODEL', '${channel}');
