-- Makes each batch of credit charges count once, even when it is retried after a commit whose answer was lost.
-- ${schema} is replaced by the store before this script runs.

-- One row per open JdbcCreditLedger (writer_id is random per instance and start). An instance numbers its
-- batches of charges 1, 2, 3, ... and writes them in that order; the transaction that adds a batch to
-- credit_transactions also sets last_batch to the batch's number. A batch retried after a lost answer whose
-- number is at or below last_batch was committed the first time and is not added again. A ledger deletes its
-- row when it closes; rows of instances that crashed are deleted 30 days after their last update.
create table ${schema}.ledger_writers (
  writer_id  uuid primary key,
  last_batch bigint not null,
  updated_at timestamptz not null
);
