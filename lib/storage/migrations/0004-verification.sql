-- Verification runs, their differences and per-segment checkpoints. A run is a ReplacingMergeTree row rewritten
-- with a higher `version` at each state change (started, segment done, finished); readers use FINAL. Times are
-- epoch-ms Int64 so that a finished run reads back exactly as it was hashed into its pair's chain
-- (prev_hash → record_hash, ordered by chain_seq; 0 = not finished yet).
CREATE TABLE IF NOT EXISTS {db}.verification_runs
(
    id                 String,
    version            UInt64,
    pair               LowCardinality(String),
    trigger            LowCardinality(String),
    triggered_by       String,
    owner              String,
    attempt            UInt32,
    started_at         Int64,
    heartbeat_at       Int64,
    finished_at        Int64,
    status             LowCardinality(String),
    verdict            LowCardinality(String),
    error              String,
    source_url         String,
    target_url         String,
    source_table       String,
    target_table       String,
    source_root        String,
    target_root        String,
    source_rows        UInt64,
    target_rows        UInt64,
    row_hash           LowCardinality(String),
    source_digest_path LowCardinality(String),
    target_digest_path LowCardinality(String),
    source_snapshot    String,
    target_snapshot    String,
    segment_bounds     String CODEC(ZSTD(1)),
    segments           UInt32,
    segments_done      UInt32,
    leaves             UInt32,
    mismatched_leaves  UInt32,
    differences        UInt32,
    confirmed          UInt32,
    in_flight          UInt32,
    suspected          UInt32,
    lag_samples        UInt32,
    lag_min_ms         Int64,
    lag_max_ms         Int64,
    lag_avg_ms         Int64,
    grace_ms           Int64,
    config_fingerprint String,
    spec_version       UInt32,
    chain_seq          UInt64,
    prev_hash          String,
    record_hash        String
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (pair, id);

CREATE TABLE IF NOT EXISTS {db}.verification_diffs
(
    run_id      String,
    seq         UInt32,
    key         Array(String),
    kind        LowCardinality(String),
    columns     Array(String),
    class       LowCardinality(String),
    first_seen  Int64,
    last_seen   Int64,
    duration_ms Int64,
    rounds      UInt32
)
ENGINE = ReplacingMergeTree
ORDER BY (run_id, seq);

CREATE TABLE IF NOT EXISTS {db}.verification_checkpoints
(
    run_id        String,
    segment       UInt32,
    source_count  UInt64,
    source_hash   String,
    target_count  UInt64,
    target_hash   String,
    leaves        UInt32,
    mismatched    UInt32,
    diffs         String CODEC(ZSTD(1)),
    found_at      Int64,
    done_at       Int64
)
ENGINE = ReplacingMergeTree(done_at)
ORDER BY (run_id, segment);
