package dev.phasegate.server.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.phasegate.server.http.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The SQL of alerts, their events and silences. Stateless; {@link AlertBook} decides what to write. */
final class AlertStore {

    private static final String COLUMNS = "id, fingerprint, labels_json, severity, state, summary, active_since, fired_at, "
            + "clearing_since, resolved_at, evaluated_at, decision_json, firing_decision_json, acknowledged_at, acknowledged_by, "
            + "ack_comment, inhibited_by, silenced_by_json";
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };
    private static final TypeReference<List<Long>> IDS = new TypeReference<>() {
    };
    private static final TypeReference<List<SilenceMatcher>> MATCHERS = new TypeReference<>() {
    };

    /** A stored alert, before silences are applied. Decisions stay JSON until someone reads them. */
    record Row(long id, String fingerprint, Map<String, String> labels, Severity severity, AlertState state, String summary,
               Instant activeSince, Instant firedAt, Instant clearingSince, Instant resolvedAt, Instant evaluatedAt,
               String decisionJson, String firingDecisionJson, Alert.Acknowledgement acknowledgement, Long inhibitedBy,
               List<Long> silencedBy) {
    }

    /** What a new alert is stored with. */
    record NewAlert(String fingerprint, Map<String, String> labels, Severity severity, AlertState state, String summary,
                    Instant at, String decisionJson, Long inhibitedBy, List<Long> silencedBy) {
    }

    long insert(Handle h, NewAlert a) {
        boolean firing = a.state() == AlertState.FIRING;
        return h.createUpdate("INSERT INTO alert (fingerprint, open_fingerprint, rollout_key, guard, scope, severity, labels_json, state, "
                        + "summary, active_since, fired_at, evaluated_at, decision_json, firing_decision_json, inhibited_by, silenced_by_json) "
                        + "VALUES (:fp, :fp, :rollout, :guard, :scope, :severity, :labels, :state, :summary, :at, :firedAt, :at, :decision, "
                        + ":firingDecision, :inhibitedBy, :silencedBy)")
                .bind("fp", a.fingerprint())
                .bind("rollout", a.labels().get(AlertRule.ROLLOUT)).bind("guard", a.labels().get(AlertRule.GUARD))
                .bind("scope", a.labels().get(AlertRule.SCOPE)).bind("severity", a.severity().name())
                .bind("labels", Json.write(new TreeMap<>(a.labels()))).bind("state", a.state().name())
                .bind("summary", a.summary()).bind("at", ts(a.at())).bind("firedAt", firing ? ts(a.at()) : null)
                .bind("decision", a.decisionJson()).bind("firingDecision", firing ? a.decisionJson() : null)
                .bind("inhibitedBy", a.inhibitedBy()).bind("silencedBy", Json.write(a.silencedBy()))
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** Pending → firing; false if the row is no longer pending (changed by another instance). */
    boolean fire(Handle h, long id, Instant at, String summary, String decisionJson, List<Long> silencedBy) {
        return h.createUpdate("UPDATE alert SET state = 'FIRING', fired_at = :at, evaluated_at = :at, summary = :summary, "
                        + "decision_json = :decision, firing_decision_json = :decision, silenced_by_json = :silencedBy "
                        + "WHERE id = :id AND state = 'PENDING'")
                .bind("id", id).bind("at", ts(at)).bind("summary", summary).bind("decision", decisionJson)
                .bind("silencedBy", Json.write(silencedBy)).execute() == 1;
    }

    /** Firing → resolved; false if the row is no longer firing. */
    boolean resolve(Handle h, long id, Instant at, String summary, String decisionJson, List<Long> silencedBy) {
        return h.createUpdate("UPDATE alert SET state = 'RESOLVED', open_fingerprint = NULL, resolved_at = :at, evaluated_at = :at, "
                        + "summary = :summary, decision_json = :decision, silenced_by_json = :silencedBy WHERE id = :id AND state = 'FIRING'")
                .bind("id", id).bind("at", ts(at)).bind("summary", summary).bind("decision", decisionJson)
                .bind("silencedBy", Json.write(silencedBy)).execute() == 1;
    }

    /** A pending alert that cleared before firing; false if it was no longer pending. */
    boolean dropPending(Handle h, long id) {
        return h.createUpdate("DELETE FROM alert WHERE id = :id AND state = 'PENDING'").bind("id", id).execute() == 1;
    }

    /** The latest evaluation and the clearing timer of an open alert; false if it is no longer open in {@code state}. */
    boolean update(Handle h, long id, AlertState state, Instant evaluatedAt, String summary, String decisionJson, Instant clearingSince) {
        return h.createUpdate("UPDATE alert SET evaluated_at = :at, summary = :summary, decision_json = :decision, "
                        + "clearing_since = :clearing WHERE id = :id AND state = :state")
                .bind("id", id).bind("state", state.name()).bind("at", ts(evaluatedAt)).bind("summary", summary)
                .bind("decision", decisionJson).bind("clearing", ts(clearingSince)).execute() == 1;
    }

    void acknowledge(Handle h, long id, Instant at, String by, String comment) {
        h.createUpdate("UPDATE alert SET acknowledged_at = :at, acknowledged_by = :by, ack_comment = :comment WHERE id = :id")
                .bind("id", id).bind("at", ts(at)).bind("by", by).bind("comment", comment).execute();
    }

    void inhibit(Handle h, long id, Long by) {
        h.createUpdate("UPDATE alert SET inhibited_by = :by WHERE id = :id").bind("id", id).bind("by", by).execute();
    }

    Optional<Row> find(Handle h, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM alert WHERE id = :id").bind("id", id).map((rs, ctx) -> row(rs)).findOne();
    }

    Optional<Row> lock(Handle h, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM alert WHERE id = :id FOR UPDATE").bind("id", id)
                .map((rs, ctx) -> row(rs)).findOne();
    }

    Optional<Row> findOpen(Handle h, String fingerprint) {
        return h.createQuery("SELECT " + COLUMNS + " FROM alert WHERE open_fingerprint = :fp").bind("fp", fingerprint)
                .map((rs, ctx) -> row(rs)).findOne();
    }

    List<Row> open(Handle h) {
        return h.createQuery("SELECT " + COLUMNS + " FROM alert WHERE open_fingerprint IS NOT NULL ORDER BY id")
                .map((rs, ctx) -> row(rs)).list();
    }

    /** Newest first; {@code silenced} is applied by the caller. */
    List<Row> list(Handle h, AlertQuery q, Long before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM alert WHERE 1=1");
        if (q.state() != null) {
            sql.append(" AND state = :state");
        }
        if (q.rollout() != null) {
            sql.append(" AND rollout_key = :rollout");
        }
        if (q.severity() != null) {
            sql.append(" AND severity = :severity");
        }
        if (q.since() != null) {
            sql.append(" AND (resolved_at IS NULL OR resolved_at >= :since)");
        }
        if (before != null) {
            sql.append(" AND id < :before");
        }
        sql.append(" ORDER BY id DESC LIMIT :limit");
        Query query = h.createQuery(sql.toString()).bind("limit", limit);
        if (q.state() != null) {
            query.bind("state", q.state().name());
        }
        if (q.rollout() != null) {
            query.bind("rollout", q.rollout());
        }
        if (q.severity() != null) {
            query.bind("severity", q.severity().name());
        }
        if (q.since() != null) {
            query.bind("since", ts(q.since()));
        }
        if (before != null) {
            query.bind("before", before);
        }
        return query.map((rs, ctx) -> row(rs)).list();
    }

    void event(Handle h, long alertId, Instant at, String kind, String actor, Map<String, ?> detail) {
        h.createUpdate("INSERT INTO alert_event (alert_id, at, kind, actor, detail_json) VALUES (:alert, :at, :kind, :actor, :detail)")
                .bind("alert", alertId).bind("at", ts(at)).bind("kind", kind).bind("actor", actor)
                .bind("detail", detail == null || detail.isEmpty() ? null : Json.write(detail)).execute();
    }

    List<AlertEvent> events(Handle h, long alertId) {
        return h.createQuery("SELECT id, at, kind, actor, detail_json FROM alert_event WHERE alert_id = :alert ORDER BY id")
                .bind("alert", alertId)
                .map((rs, ctx) -> new AlertEvent(rs.getLong("id"), instant(rs, "at"), rs.getString("kind"), rs.getString("actor"),
                        object(rs.getString("detail_json"))))
                .list();
    }

    long insertSilence(Handle h, SilenceRequest r, String createdBy, Instant now) {
        return h.createUpdate("INSERT INTO silence (matchers_json, starts_at, ends_at, comment, created_by, created_at) "
                        + "VALUES (:matchers, :starts, :ends, :comment, :by, :now)")
                .bind("matchers", Json.write(r.matchers())).bind("starts", ts(r.startsAt())).bind("ends", ts(r.endsAt()))
                .bind("comment", r.comment()).bind("by", createdBy).bind("now", ts(now))
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    void expireSilence(Handle h, long id, Instant startsAt, Instant now, String by) {
        h.createUpdate("UPDATE silence SET starts_at = :starts, ends_at = :now, expired_by = :by WHERE id = :id")
                .bind("id", id).bind("starts", ts(startsAt)).bind("now", ts(now)).bind("by", by).execute();
    }

    Optional<Silence> lockSilence(Handle h, long id, Instant now) {
        return h.createQuery("SELECT * FROM silence WHERE id = :id FOR UPDATE").bind("id", id).map((rs, ctx) -> silence(rs, now)).findOne();
    }

    Optional<Silence> findSilence(Handle h, long id, Instant now) {
        return h.createQuery("SELECT * FROM silence WHERE id = :id").bind("id", id).map((rs, ctx) -> silence(rs, now)).findOne();
    }

    /** Silences not yet ended at {@code now} (active or pending), or all of them (newest first, at most {@code limit}). */
    List<Silence> silences(Handle h, Instant now, boolean includeExpired, int limit) {
        String where = includeExpired ? "" : " WHERE ends_at > :now";
        return h.createQuery("SELECT * FROM silence" + where + " ORDER BY id DESC LIMIT :limit")
                .bind("now", ts(now)).bind("limit", limit).map((rs, ctx) -> silence(rs, now)).list();
    }

    private static Silence silence(ResultSet rs, Instant now) throws SQLException {
        Silence s = new Silence(rs.getLong("id"), read(rs.getString("matchers_json"), MATCHERS), instant(rs, "starts_at"),
                instant(rs, "ends_at"), rs.getString("comment"), rs.getString("created_by"), instant(rs, "created_at"),
                rs.getString("expired_by"), null);
        return new Silence(s.id(), s.matchers(), s.startsAt(), s.endsAt(), s.comment(), s.createdBy(), s.createdAt(), s.expiredBy(),
                Silences.state(s, now));
    }

    private static Row row(ResultSet rs) throws SQLException {
        Instant ackAt = instant(rs, "acknowledged_at");
        long inhibitedBy = rs.getLong("inhibited_by");
        Long inhibitor = rs.wasNull() ? null : inhibitedBy;
        String silenced = rs.getString("silenced_by_json");
        return new Row(rs.getLong("id"), rs.getString("fingerprint"), read(rs.getString("labels_json"), LABELS),
                Severity.valueOf(rs.getString("severity")), AlertState.valueOf(rs.getString("state")), rs.getString("summary"),
                instant(rs, "active_since"), instant(rs, "fired_at"), instant(rs, "clearing_since"), instant(rs, "resolved_at"),
                instant(rs, "evaluated_at"), rs.getString("decision_json"), rs.getString("firing_decision_json"),
                ackAt == null ? null : new Alert.Acknowledgement(ackAt, rs.getString("acknowledged_by"), rs.getString("ack_comment")),
                inhibitor, silenced == null ? List.of() : read(silenced, IDS));
    }

    static Map<String, Object> object(String json) {
        return json == null ? null : read(json, OBJECT);
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("stored alert JSON cannot be read as " + type.getType(), e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
