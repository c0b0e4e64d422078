-- Audit log: who did what, when and from where, for every administrative or auditor action. Each collector process
-- (`instance`) keeps its own hash chain: record_hash = chainHash(prev_hash, the row's other columns), so an edited or
-- deleted row breaks the chain after it. Kept without TTL; rows are never updated by syncwatch.
CREATE TABLE IF NOT EXISTS {db}.audit_log
(
    instance    LowCardinality(String),
    seq         UInt64,
    ts          DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    actor       String,
    role        LowCardinality(String),
    action      LowCardinality(String),
    method      LowCardinality(String),
    target      String,
    status      UInt16,
    detail      String CODEC(ZSTD(1)),
    remote      String,
    prev_hash   String,
    record_hash String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (instance, seq)
SETTINGS non_replicated_deduplication_window = 1000;
