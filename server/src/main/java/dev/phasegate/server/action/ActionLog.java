package dev.phasegate.server.action;

import dev.phasegate.server.http.Json;
import dev.phasegate.server.store.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Handle;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The record of remediation and maintenance actions. Each is written once, when it has ended, and counted in
 * {@code phasegate_actions_total{kind,result}}.
 *
 * <pre>{@code
 * ActionRecord stored = actions.record(ActionRecord.of(now, ActionRecord.WEBHOOK, "trading-v2", "error-rate", why)
 *         .ended(ActionResult.OK, "HTTP 202", 35, body));
 * List<ActionRecord> newest = actions.list(new ActionQuery("trading-v2", null, null, 20));
 * }</pre>
 */
public final class ActionLog {

    /** The columns' sizes (see V10__actions.sql); longer text is cut with an ellipsis. */
    static final int MAX_WHY = 2000;
    static final int MAX_DETAIL = 4000;
    /** A page of numbers, not a data dump: larger data is stored as a note of its size. */
    static final int MAX_DATA_CHARS = 64 * 1024;

    private static final String COLUMNS = "id, at, kind, rollout_key, guard_name, why, result, detail, duration_ms, data_json";

    private final Database db;
    private final MeterRegistry meters;

    public ActionLog(Database db, MeterRegistry meters) {
        this.db = Objects.requireNonNull(db, "db");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /** Stores an ended action; answers it with its id. */
    public ActionRecord record(ActionRecord action) {
        Objects.requireNonNull(action.result(), "an action is recorded once it has ended: result is null");
        String data = action.data() == null ? null : Json.write(action.data());
        if (data != null && data.length() > MAX_DATA_CHARS) {
            data = Json.write(Map.of("truncated", true, "chars", data.length()));
        }
        String dataJson = data;
        long id = db.inTransaction(h -> h.createUpdate("INSERT INTO action_record (at, kind, rollout_key, guard_name, why, result, "
                        + "detail, duration_ms, data_json) VALUES (:at, :kind, :rollout, :guard, :why, :result, :detail, :duration, :data)")
                .bind("at", Timestamp.from(action.at())).bind("kind", action.kind()).bind("rollout", action.rollout())
                .bind("guard", action.guard()).bind("why", cut(action.why(), MAX_WHY)).bind("result", action.result().wire())
                .bind("detail", cut(action.detail(), MAX_DETAIL)).bind("duration", action.durationMs()).bind("data", dataJson)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        Counter.builder("phasegate.actions").description("remediation and maintenance actions recorded")
                .tags("kind", action.kind(), "result", action.result().wire()).register(meters).increment();
        return action.withId(id);
    }

    /** Newest first. */
    public List<ActionRecord> list(ActionQuery query) {
        return db.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM action_record WHERE 1=1");
            if (query.rollout() != null) {
                sql.append(" AND rollout_key = :rollout");
            }
            if (query.kind() != null) {
                sql.append(" AND kind = :kind");
            }
            if (query.before() != null) {
                sql.append(" AND id < :before");
            }
            sql.append(" ORDER BY id DESC LIMIT :limit");
            var q = h.createQuery(sql.toString()).bind("limit", query.limit());
            if (query.rollout() != null) {
                q.bind("rollout", query.rollout());
            }
            if (query.kind() != null) {
                q.bind("kind", query.kind());
            }
            if (query.before() != null) {
                q.bind("before", query.before());
            }
            return q.map((rs, ctx) -> row(rs)).list();
        });
    }

    /** The newest action of a kind for a rollout and guard with one of {@code results}, if any. */
    Optional<ActionRecord> newest(String kind, String rollout, String guard, List<ActionResult> results) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM action_record WHERE kind = :kind AND rollout_key = :rollout "
                        + "AND guard_name = :guard AND result IN (<results>) ORDER BY id DESC LIMIT 1")
                .bind("kind", kind).bind("rollout", rollout).bind("guard", guard)
                .bindList("results", results.stream().map(ActionResult::wire).toList())
                .map((rs, ctx) -> row(rs)).findOne());
    }

    /** Deletes actions older than {@code cutoff}; answers how many. */
    int purge(Handle h, Instant cutoff) {
        return h.createUpdate("DELETE FROM action_record WHERE at < :cutoff").bind("cutoff", Timestamp.from(cutoff)).execute();
    }

    private static ActionRecord row(java.sql.ResultSet rs) throws java.sql.SQLException {
        String data = rs.getString("data_json");
        return new ActionRecord(rs.getLong("id"), rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("kind"),
                rs.getString("rollout_key"), rs.getString("guard_name"), rs.getString("why"),
                ActionResult.byWire(rs.getString("result")).orElse(ActionResult.FAILED), rs.getString("detail"),
                rs.getLong("duration_ms"), data == null ? null : Json.readStored(data, Object.class));
    }

    static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max - 1) + "…";
    }
}
