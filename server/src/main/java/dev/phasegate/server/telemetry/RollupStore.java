package dev.phasegate.server.telemetry;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.phasegate.server.http.Json;
import org.jdbi.v3.core.Handle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Rows of {@code telemetry_rollup}: additive, one per flush or merge; readers sum them. */
final class RollupStore {

    /** One stored row. {@code start} is epoch ms; {@code resolution} in seconds (10, 60 or 3600). */
    record Row(long id, String rollout, Cohort cohort, int phase, int resolution, long start, Partial data) {
    }

    private static final TypeReference<Map<String, Long>> FEATURES = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, MetricStat>> METRICS = new TypeReference<>() {
    };
    private static final TypeReference<List<FeedbackComment>> COMMENTS = new TypeReference<>() {
    };

    private static final String COLUMNS = "id, rollout_key, cohort, phase, resolution_seconds, bucket_start, requests, errors, "
            + "latency_sketch, sessions, session_ms_sum, session_sketch, users_hll, feedback_count, feedback_sum, features_json, "
            + "metrics_json, comments_json";

    void insert(Handle h, String nodeId, int resolution, String rollout, Cohort cohort, int phase, long start, Partial p,
                Instant now) {
        Map<String, Long> features = new TreeMap<>();
        if (p.features != null) {
            p.features.forEach((f, n) -> features.put(f, n[0]));
        }
        h.createUpdate("INSERT INTO telemetry_rollup (rollout_key, cohort, phase, resolution_seconds, bucket_start, node_id, "
                        + "requests, errors, latency_sketch, sessions, session_ms_sum, session_sketch, users_hll, feedback_count, "
                        + "feedback_sum, features_json, metrics_json, comments_json, created_at) VALUES (:rollout, :cohort, :phase, "
                        + ":resolution, :start, :node, :requests, :errors, :latency, :sessions, :sessionSum, :sessionSketch, :users, "
                        + ":feedbackCount, :feedbackSum, :features, :metrics, :comments, :now)")
                .bind("rollout", rollout).bind("cohort", cohort.wireName()).bind("phase", phase)
                .bind("resolution", resolution).bind("start", time(start)).bind("node", nodeId)
                .bind("requests", p.requests).bind("errors", p.errors).bind("latency", SketchCodec.encode(p.latency))
                .bind("sessions", p.sessions).bind("sessionSum", p.sessionMsSum).bind("sessionSketch", SketchCodec.encode(p.sessionMs))
                .bind("users", SketchCodec.encode(p.users)).bind("feedbackCount", p.feedbackCount).bind("feedbackSum", p.feedbackSum)
                .bind("features", features.isEmpty() ? null : Json.write(features))
                .bind("metrics", p.metrics == null || p.metrics.isEmpty() ? null : Json.write(new TreeMap<>(p.metrics)))
                .bind("comments", p.comments == null || p.comments.isEmpty() ? null : Json.write(List.copyOf(p.comments)))
                .bind("now", time(now.toEpochMilli()))
                .execute();
    }

    /** A rollout's rows with a start in [from, to), oldest first. */
    List<Row> read(Handle h, String rollout, long from, long to) {
        return h.createQuery("SELECT " + COLUMNS + " FROM telemetry_rollup WHERE rollout_key = :rollout "
                        + "AND bucket_start >= :from AND bucket_start < :to ORDER BY bucket_start, id")
                .bind("rollout", rollout).bind("from", time(from)).bind("to", time(to))
                .map((rs, ctx) -> row(rs)).list();
    }

    /** One series' rows with a start in [from, to), oldest first. */
    List<Row> read(Handle h, String rollout, Cohort cohort, int phase, long from, long to) {
        return h.createQuery("SELECT " + COLUMNS + " FROM telemetry_rollup WHERE rollout_key = :rollout AND cohort = :cohort "
                        + "AND phase = :phase AND bucket_start >= :from AND bucket_start < :to ORDER BY bucket_start, id")
                .bind("rollout", rollout).bind("cohort", cohort.wireName()).bind("phase", phase)
                .bind("from", time(from)).bind("to", time(to))
                .map((rs, ctx) -> row(rs)).list();
    }

    /** Up to {@code limit} rows of a resolution starting before {@code cutoff}, oldest first. */
    List<Row> olderThan(Handle h, int resolution, long cutoff, int limit) {
        return h.createQuery("SELECT " + COLUMNS + " FROM telemetry_rollup WHERE resolution_seconds = :resolution "
                        + "AND bucket_start < :cutoff ORDER BY bucket_start, id LIMIT :limit")
                .bind("resolution", resolution).bind("cutoff", time(cutoff)).bind("limit", limit)
                .map((rs, ctx) -> row(rs)).list();
    }

    int delete(Handle h, List<Long> ids) {
        return h.createUpdate("DELETE FROM telemetry_rollup WHERE id IN (<ids>)").bindList("ids", ids).execute();
    }

    int purge(Handle h, long cutoff) {
        return h.createUpdate("DELETE FROM telemetry_rollup WHERE bucket_start < :cutoff").bind("cutoff", time(cutoff)).execute();
    }

    private static OffsetDateTime time(long millis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        Partial p = new Partial();
        p.requests = rs.getLong("requests");
        p.errors = rs.getLong("errors");
        p.latency = SketchCodec.decodeSketch(rs.getBytes("latency_sketch"));
        p.sessions = rs.getLong("sessions");
        p.sessionMsSum = rs.getDouble("session_ms_sum");
        p.sessionMs = SketchCodec.decodeSketch(rs.getBytes("session_sketch"));
        p.users = SketchCodec.decodeUsers(rs.getBytes("users_hll"));
        p.feedbackCount = rs.getLong("feedback_count");
        p.feedbackSum = rs.getLong("feedback_sum");
        String features = rs.getString("features_json");
        if (features != null) {
            p.features = new HashMap<>();
            readJson(features, FEATURES).forEach((f, n) -> p.features.put(f, new long[]{n}));
        }
        String metrics = rs.getString("metrics_json");
        if (metrics != null) {
            p.metrics = new HashMap<>(readJson(metrics, METRICS));
        }
        String comments = rs.getString("comments_json");
        if (comments != null) {
            p.comments = new ArrayDeque<>(readJson(comments, COMMENTS));
        }
        return new Row(rs.getLong("id"), rs.getString("rollout_key"), Cohort.byWireName(rs.getString("cohort")), rs.getInt("phase"),
                rs.getInt("resolution_seconds"), rs.getObject("bucket_start", OffsetDateTime.class).toInstant().toEpochMilli(), p);
    }

    private static <T> T readJson(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored telemetry rollup cannot be read", e);
        }
    }
}
