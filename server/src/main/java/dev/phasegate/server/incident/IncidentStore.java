package dev.phasegate.server.incident;

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

/** The SQL of incidents and their timelines. Stateless; {@link IncidentBook} decides what to write. */
final class IncidentStore {

    private static final String COLUMNS = "id, rollout_key, title, summary, severity, state, assignee, opened_at, opened_by, "
            + "acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution, first_signal_at, mitigated_at, "
            + "phase_at_open, diagnostics_json";
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    /** What a new incident is stored with. {@code openKey} is the rollout, or "" for a system-wide incident. */
    record NewIncident(String rollout, String openKey, String title, String summary, IncidentSeverity severity, Instant openedAt,
                       String openedBy, Instant firstSignalAt, Integer phaseAtOpen, String diagnosticsJson) {
    }

    long insert(Handle h, NewIncident n) {
        return h.createUpdate("INSERT INTO incident (rollout_key, open_rollout, title, summary, severity, state, opened_at, opened_by, "
                        + "first_signal_at, phase_at_open, diagnostics_json) VALUES (:rollout, :openKey, :title, :summary, :severity, "
                        + "'OPEN', :at, :by, :firstSignal, :phase, :diagnostics)")
                .bind("rollout", n.rollout()).bind("openKey", n.openKey()).bind("title", n.title()).bind("summary", n.summary())
                .bind("severity", n.severity().name()).bind("at", ts(n.openedAt())).bind("by", n.openedBy())
                .bind("firstSignal", ts(n.firstSignalAt())).bind("phase", n.phaseAtOpen()).bind("diagnostics", n.diagnosticsJson())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** The active incident of a rollout ("" for system-wide), locked until the transaction ends. */
    Optional<Incident> lockActive(Handle h, String openKey) {
        return h.createQuery("SELECT " + COLUMNS + " FROM incident WHERE open_rollout = :key FOR UPDATE").bind("key", openKey)
                .map((rs, ctx) -> incident(rs)).findOne();
    }

    Optional<Incident> findActive(Handle h, String openKey) {
        return h.createQuery("SELECT " + COLUMNS + " FROM incident WHERE open_rollout = :key").bind("key", openKey)
                .map((rs, ctx) -> incident(rs)).findOne();
    }

    Optional<Incident> find(Handle h, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM incident WHERE id = :id").bind("id", id).map((rs, ctx) -> incident(rs)).findOne();
    }

    Optional<Incident> lock(Handle h, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM incident WHERE id = :id FOR UPDATE").bind("id", id)
                .map((rs, ctx) -> incident(rs)).findOne();
    }

    void raise(Handle h, long id, IncidentSeverity severity) {
        h.createUpdate("UPDATE incident SET severity = :severity WHERE id = :id").bind("id", id).bind("severity", severity.name()).execute();
    }

    void joined(Handle h, long id, Instant firstSignalAt, String diagnosticsJson) {
        h.createUpdate("UPDATE incident SET first_signal_at = :firstSignal, diagnostics_json = :diagnostics WHERE id = :id")
                .bind("id", id).bind("firstSignal", ts(firstSignalAt)).bind("diagnostics", diagnosticsJson).execute();
    }

    void acknowledge(Handle h, long id, Instant at, String by) {
        h.createUpdate("UPDATE incident SET state = 'ACKNOWLEDGED', acknowledged_at = :at, acknowledged_by = :by WHERE id = :id")
                .bind("id", id).bind("at", ts(at)).bind("by", by).execute();
    }

    void resolve(Handle h, long id, Instant at, String by, String resolution) {
        h.createUpdate("UPDATE incident SET state = 'RESOLVED', open_rollout = NULL, resolved_at = :at, resolved_by = :by, "
                        + "resolution = :resolution WHERE id = :id")
                .bind("id", id).bind("at", ts(at)).bind("by", by).bind("resolution", resolution).execute();
    }

    void assign(Handle h, long id, String assignee) {
        h.createUpdate("UPDATE incident SET assignee = :assignee WHERE id = :id").bind("id", id).bind("assignee", assignee).execute();
    }

    void mitigate(Handle h, long id, Instant at) {
        h.createUpdate("UPDATE incident SET mitigated_at = :at WHERE id = :id").bind("id", id).bind("at", ts(at)).execute();
    }

    /** Newest first. */
    List<Incident> list(Handle h, IncidentQuery f) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM incident WHERE 1=1");
        if (f.state() != null) {
            sql.append(" AND state = :state");
        }
        if (f.rollout() != null) {
            sql.append(" AND rollout_key = :rollout");
        }
        if (f.severity() != null) {
            sql.append(" AND severity = :severity");
        }
        if (f.before() != null) {
            sql.append(" AND id < :before");
        }
        sql.append(" ORDER BY id DESC LIMIT :limit");
        Query q = h.createQuery(sql.toString()).bind("limit", f.limit());
        if (f.state() != null) {
            q.bind("state", f.state().name());
        }
        if (f.rollout() != null) {
            q.bind("rollout", f.rollout());
        }
        if (f.severity() != null) {
            q.bind("severity", f.severity().name());
        }
        if (f.before() != null) {
            q.bind("before", f.before());
        }
        return q.map((rs, ctx) -> incident(rs)).list();
    }

    long insertEntry(Handle h, long incidentId, Instant at, String kind, String actor, String text, String dataJson) {
        return h.createUpdate("INSERT INTO incident_entry (incident_id, at, kind, actor, text, data_json) "
                        + "VALUES (:incident, :at, :kind, :actor, :text, :data)")
                .bind("incident", incidentId).bind("at", ts(at)).bind("kind", kind).bind("actor", actor).bind("text", text)
                .bind("data", dataJson).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    Optional<TimelineEntry> entry(Handle h, long entryId) {
        return h.createQuery("SELECT id, incident_id, at, kind, actor, text, data_json FROM incident_entry WHERE id = :id")
                .bind("id", entryId).map((rs, ctx) -> entry(rs)).findOne();
    }

    /** Oldest first. */
    List<TimelineEntry> entries(Handle h, long incidentId) {
        return h.createQuery("SELECT id, incident_id, at, kind, actor, text, data_json FROM incident_entry WHERE incident_id = :id ORDER BY id")
                .bind("id", incidentId).map((rs, ctx) -> entry(rs)).list();
    }

    /**
     * Beta users exposed while the incident was active, by the phase they joined in (up to {@code maxPhase}):
     * enrolled before {@code until}, and still enrolled or left after {@code since}.
     */
    Map<Integer, Long> exposedByPhase(Handle h, String rollout, int maxPhase, Instant since, Instant until) {
        Map<Integer, Long> counts = new TreeMap<>();
        h.createQuery("SELECT joined_phase, COUNT(*) AS users FROM enrollment WHERE rollout_key = :rollout AND joined_phase <= :max "
                        + "AND created_at < :until AND (status = 'ENROLLED' OR (status = 'LEFT' AND updated_at >= :since)) "
                        + "GROUP BY joined_phase")
                .bind("rollout", rollout).bind("max", maxPhase).bind("since", ts(since)).bind("until", ts(until))
                .map((rs, ctx) -> Map.entry(rs.getInt("joined_phase"), rs.getLong("users")))
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    private static Incident incident(ResultSet rs) throws SQLException {
        int phase = rs.getInt("phase_at_open");
        Integer phaseAtOpen = rs.wasNull() ? null : phase;
        return new Incident(rs.getLong("id"), rs.getString("rollout_key"), rs.getString("title"), rs.getString("summary"),
                IncidentSeverity.valueOf(rs.getString("severity")), IncidentState.valueOf(rs.getString("state")),
                rs.getString("assignee"), instant(rs, "opened_at"), rs.getString("opened_by"), instant(rs, "acknowledged_at"),
                rs.getString("acknowledged_by"), instant(rs, "resolved_at"), rs.getString("resolved_by"), rs.getString("resolution"),
                instant(rs, "first_signal_at"), instant(rs, "mitigated_at"), phaseAtOpen, object(rs.getString("diagnostics_json")),
                null);
    }

    private static TimelineEntry entry(ResultSet rs) throws SQLException {
        Map<String, Object> data = object(rs.getString("data_json"));
        return new TimelineEntry(rs.getLong("id"), rs.getLong("incident_id"), instant(rs, "at"), rs.getString("kind"),
                rs.getString("actor"), rs.getString("text"), data == null ? Map.of() : data);
    }

    static Map<String, Object> object(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, OBJECT);
        } catch (IOException e) {
            throw new IllegalStateException("stored incident JSON cannot be read as an object", e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static Timestamp ts(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
