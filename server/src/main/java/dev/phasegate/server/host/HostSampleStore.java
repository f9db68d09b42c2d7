package dev.phasegate.server.host;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.List;

/** Table {@code host_sample}: one row per node and sample. */
final class HostSampleStore {

    /** Sums per step bucket, so averages over long ranges are computed by the database, not in memory. */
    record BucketSums(long bucket, long samples, double[] sums) {
    }

    /** The averaged fields, in the order of {@link Bucketing#FIELDS}. */
    private static final String SUMS = "SUM(system_cpu_percent), SUM(process_cpu_percent), SUM(memory_used_percent), "
            + "SUM(memory_used_bytes), SUM(disk_used_percent), SUM(disk_free_bytes), SUM(net_rx_bytes_per_sec), "
            + "SUM(net_tx_bytes_per_sec), SUM(heap_used_bytes), SUM(heap_max_bytes), SUM(gc_per_sec), "
            + "SUM(gc_millis_per_sec), SUM(live_threads)";

    void insert(Handle h, String nodeId, HostSample s) {
        h.createUpdate("INSERT INTO host_sample (node_id, at_ms, system_cpu_percent, process_cpu_percent, "
                        + "memory_used_percent, memory_used_bytes, disk_used_percent, disk_free_bytes, net_rx_bytes_per_sec, "
                        + "net_tx_bytes_per_sec, heap_used_bytes, heap_max_bytes, gc_per_sec, gc_millis_per_sec, live_threads) "
                        + "VALUES (:node, :at, :cpu, :pcpu, :mem, :memBytes, :disk, :diskFree, :rx, :tx, :heap, :heapMax, :gc, :gcMillis, :threads)")
                .bind("node", nodeId)
                .bind("at", s.at().toEpochMilli())
                .bind("cpu", s.systemCpuPercent())
                .bind("pcpu", s.processCpuPercent())
                .bind("mem", s.memoryUsedPercent())
                .bind("memBytes", s.memoryUsedBytes())
                .bind("disk", s.diskUsedPercent())
                .bind("diskFree", s.diskFreeBytes())
                .bind("rx", s.netRxBytesPerSecond())
                .bind("tx", s.netTxBytesPerSecond())
                .bind("heap", s.heapUsedBytes())
                .bind("heapMax", s.heapMaxBytes())
                .bind("gc", s.gcPerSecond())
                .bind("gcMillis", s.gcMillisPerSecond())
                .bind("threads", s.liveThreads())
                .execute();
    }

    /** Deletes samples older than {@code before}; returns how many. */
    int purge(Handle h, Instant before) {
        return h.createUpdate("DELETE FROM host_sample WHERE at_ms < :before").bind("before", before.toEpochMilli()).execute();
    }

    int count(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM host_sample").mapTo(Integer.class).one();
    }

    /**
     * Sums per bucket of {@code step} from {@code from}, for samples in [from, to), leaving out this node's
     * samples from {@code ownSince} on (those are answered from memory).
     */
    List<BucketSums> sums(Handle h, Instant from, Instant to, long stepMillis, String ownNode, Instant ownSince) {
        // The bucket is computed in a subquery: PostgreSQL would not see "(at_ms - $1) / $2" in SELECT and
        // "(at_ms - $3) / $4" in GROUP BY as one expression.
        return h.createQuery("SELECT bucket, COUNT(*) AS n, " + SUMS + " FROM (SELECT (at_ms - :from) / :step AS bucket, "
                        + "host_sample.* FROM host_sample WHERE at_ms >= :from AND at_ms < :to"
                        + " AND (node_id <> :node OR at_ms < :own)) b GROUP BY bucket ORDER BY bucket")
                .bind("from", from.toEpochMilli())
                .bind("to", to.toEpochMilli())
                .bind("step", stepMillis)
                .bind("node", ownNode)
                .bind("own", ownSince.toEpochMilli())
                .map((rs, ctx) -> {
                    double[] sums = new double[Bucketing.FIELDS.size()];
                    for (int i = 0; i < sums.length; i++) {
                        sums[i] = rs.getDouble(3 + i);
                    }
                    return new BucketSums(rs.getLong("bucket"), rs.getLong("n"), sums);
                })
                .list();
    }
}
