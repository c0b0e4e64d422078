-- Alerting: every state transition (append-only history), the latest state per alert (read back at start-up so
-- alerts survive a restart), silences, and the webhook outbox (one row when a notification is enqueued, one per
-- attempt outcome; the newest row of a delivery is its status). Times the engine computes with are epoch-ms
-- Int64 columns; `at` columns are DateTime64 for partitioning, TTL and people reading the tables.
CREATE TABLE IF NOT EXISTS {db}.alert_events
(
    at          DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    fingerprint String,
    rule        LowCardinality(String),
    event       LowCardinality(String),
    state       LowCardinality(String),
    severity    LowCardinality(String),
    labels      Map(String, String) CODEC(ZSTD(1)),
    annotations Map(String, String) CODEC(ZSTD(1)),
    value       Float64,
    actor       String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (fingerprint, at)
TTL toDateTime(at) + INTERVAL 400 DAY;

CREATE TABLE IF NOT EXISTS {db}.alert_state
(
    fingerprint   String,
    version       UInt64,
    rule          LowCardinality(String),
    severity      LowCardinality(String),
    state         LowCardinality(String),
    series        Map(String, String),
    labels        Map(String, String),
    annotations   Map(String, String),
    value         Float64,
    active_at     Int64,
    fired_at      Int64,
    resolved_at   Int64,
    updated_at    Int64,
    acked_by      String,
    acked_at      Int64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY fingerprint;

CREATE TABLE IF NOT EXISTS {db}.alert_silences
(
    id         String,
    version    UInt64,
    matchers   Array(String),
    starts_at  Int64,
    ends_at    Int64,
    created_by String,
    comment    String,
    created_at Int64,
    updated_by String
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

CREATE TABLE IF NOT EXISTS {db}.webhook_deliveries
(
    delivery_id         String,
    seq                 UInt32,
    at                  DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    receiver            LowCardinality(String),
    group_key           String,
    status              LowCardinality(String),
    notification_status LowCardinality(String),
    firing              Array(String),
    attempts            UInt32,
    next_attempt_at     Int64,
    http_status         UInt16,
    error               String,
    created_at          Int64,
    payload             String CODEC(ZSTD(3))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (delivery_id, seq)
TTL toDateTime(at) + INTERVAL 90 DAY;
