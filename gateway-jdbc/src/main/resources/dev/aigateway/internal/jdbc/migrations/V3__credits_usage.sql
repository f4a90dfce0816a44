-- The account's credits and the usage events, shared by every instance on this schema.
-- ${schema} is replaced by the store before this script runs.

-- One row per grant and one per UTC day of usage (that day's charges summed); the balance is the sum of
-- amount_micro_cents. Instances add their charges to the day's row with one atomic upsert
-- (amount = amount + ?), so concurrent writers never lose one another's update.
create table ${schema}.credit_transactions (
  id                 text primary key,
  seq                bigserial not null unique,
  type               text not null check (type in ('grant', 'usage')),
  usage_day          date,
  created_at         timestamptz not null,
  updated_at         timestamptz not null,
  amount_micro_cents bigint not null,
  description        text,
  requests           bigint not null default 0,
  input_tokens       bigint not null default 0,
  output_tokens      bigint not null default 0,
  check ((type = 'usage') = (usage_day is not null))
);
-- one usage row per day (grants have no day, and NULLs never collide)
create unique index credit_transactions_usage_day on ${schema}.credit_transactions (usage_day);

-- One row per upstream attempt. ts_nanos is the request's arrival in nanoseconds since 1970-01-01 UTC (exact,
-- as the Java API gives it; to_timestamp(ts_nanos / 1e9) reads it). The ids compare in "C" collation, so the
-- order is the one of Java strings and of the cursor: (ts_nanos, request_id, attempt_number) descending.
create table ${schema}.usage_events (
  ts_nanos          bigint not null,
  request_id        text collate "C" not null,
  attempt_number    integer not null,
  access_key_id     text collate "C" not null,
  is_final_attempt  boolean not null,
  status_code       integer not null,
  timed_out         boolean not null,
  is_streaming      boolean not null,
  stop_reason       text,
  input_tokens      bigint not null,
  output_tokens     bigint not null,
  cache_read_tokens bigint not null,
  reasoning_tokens  bigint not null,
  cost_micro_cents  bigint not null,
  key_source        text not null,
  provider_key_id   text,
  provider          text collate "C" not null,
  model             text not null,
  primary key (request_id, attempt_number)
);
-- the listing's order and keyset condition, the time range of the overview and of the retention purge
create index usage_events_order on ${schema}.usage_events (ts_nanos, request_id, attempt_number);
-- the listing filtered by access key
create index usage_events_access_key on ${schema}.usage_events (access_key_id, ts_nanos, request_id, attempt_number);
