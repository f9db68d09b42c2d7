-- Host and process samples, one row per node and sampling instant. Purged after the retention setting.
-- at_ms is epoch milliseconds rather than a TIMESTAMP: /api/v1/system/metrics averages per step with
-- integer arithmetic ((at_ms - from) / step), which H2 and PostgreSQL evaluate identically.
CREATE TABLE host_sample (
    node_id              VARCHAR(64) NOT NULL,
    at_ms                BIGINT NOT NULL,
    system_cpu_percent   DOUBLE PRECISION NOT NULL,
    process_cpu_percent  DOUBLE PRECISION NOT NULL,
    memory_used_percent  DOUBLE PRECISION NOT NULL,
    memory_used_bytes    BIGINT NOT NULL,
    disk_used_percent    DOUBLE PRECISION NOT NULL,
    disk_free_bytes      BIGINT NOT NULL,
    net_rx_bytes_per_sec DOUBLE PRECISION NOT NULL,
    net_tx_bytes_per_sec DOUBLE PRECISION NOT NULL,
    heap_used_bytes      BIGINT NOT NULL,
    heap_max_bytes       BIGINT NOT NULL,
    gc_per_sec           DOUBLE PRECISION NOT NULL,
    gc_millis_per_sec    DOUBLE PRECISION NOT NULL,
    live_threads         INTEGER NOT NULL,
    PRIMARY KEY (node_id, at_ms)
);
-- Range reads and the retention purge go by time across nodes.
CREATE INDEX host_sample_by_time ON host_sample (at_ms);
