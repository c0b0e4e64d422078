-- Raw metric points from agents. Ordered for range reads of one metric per pipeline/host, partitioned by day,
-- compressed with delta codecs for time and Gorilla for values. Retried batches are dropped by the insert
-- deduplication token (the batch id), which MergeTree remembers for the last N blocks.
CREATE TABLE IF NOT EXISTS {db}.metric_points
(
    ts          DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    metric      LowCardinality(String),
    pipeline    LowCardinality(String),
    host        LowCardinality(String),
    labels      Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    value       Float64 CODEC(Gorilla, ZSTD(1)),
    agent       LowCardinality(String),
    batch_id    String CODEC(ZSTD(1)),
    received_at DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (metric, pipeline, host, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 100000;
