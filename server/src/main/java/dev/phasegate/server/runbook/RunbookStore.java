package dev.phasegate.server.runbook;

import dev.phasegate.server.http.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL of runs, steps and their timeline. Every method runs in the caller's transaction. */
final class RunbookStore {

    private static final String RUN_COLUMNS = "id, rollout_key, state, trigger_kind, actor, reason, severity, guard_name, "
            + "alert_id, disable_mode, from_phase, basis_json, incident_id, features_disabled_at, started_at, finished_at, outcome";

    private static final RowMapper<RunbookRun> RUN = (rs, ctx) -> new RunbookRun(rs.getLong("id"), rs.getString("rollout_key"),
            rs.getString("state"), rs.getString("trigger_kind"), rs.getString("actor"), rs.getString("reason"),
            rs.getString("severity"), rs.getString("guard_name"), nullableLong(rs, "alert_id"), rs.getString("disable_mode"),
            rs.getInt("from_phase"), map(rs.getString("basis_json")), nullableLong(rs, "incident_id"),
            instant(rs, "features_disabled_at"), instant(rs, "started_at"), instant(rs, "finished_at"),
            rs.getString("outcome"), List.of(), List.of());

    private static final RowMapper<RunbookStep> STEP = (rs, ctx) -> new RunbookStep(rs.getInt("position"), rs.getString("step"),
            rs.getString("state"), rs.getInt("attempts"), rs.getString("last_error"), instant(rs, "next_attempt_at"),
            instant(rs, "started_at"), instant(rs, "finished_at"), map(rs.getString("result_json")), rs.getString("node_id"));

    private static final RowMapper<RunbookEvent> EVENT = (rs, ctx) -> new RunbookEvent(rs.getLong("id"), instant(rs, "at"),
            rs.getString("kind"), rs.getString("text"), map(rs.getString("data_json")));

    long insertRun(Handle h, RollbackRequest r, String disableMode, int fromPhase, Instant now) {
        return h.createUpdate("INSERT INTO runbook_run (rollout_key, open_rollout, state, trigger_kind, actor, reason, severity, "
                        + "guard_name, alert_id, disable_mode, from_phase, basis_json, started_at) VALUES (:rollout, :rollout, :state, "
                        + ":trigger, :actor, :reason, :severity, :guard, :alert, :mode, :phase, :basis, :now)")
                .bind("rollout", r.rollout()).bind("state", RunbookRun.RUNNING).bind("trigger", r.trigger())
                .bind("actor", r.actor().display()).bind("reason", r.reason()).bind("severity", r.severity())
                .bind("guard", r.guard()).bind("alert", r.alertId()).bind("mode", disableMode).bind("phase", fromPhase)
                .bind("basis", Json.write(r.basis() == null ? Map.of() : r.basis())).bind("now", Timestamp.from(now))
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    void insertStep(Handle h, long runId, int position, String step, Instant now) {
        h.createUpdate("INSERT INTO runbook_step (run_id, position, step, state, attempts, next_attempt_at) "
                        + "VALUES (:run, :position, :step, :state, 0, :now)")
                .bind("run", runId).bind("position", position).bind("step", step).bind("state", RunbookStep.PENDING)
                .bind("now", Timestamp.from(now)).execute();
    }

    void event(Handle h, long runId, Instant at, String kind, String text, Map<String, Object> data) {
        h.createUpdate("INSERT INTO runbook_event (run_id, at, kind, text, data_json) VALUES (:run, :at, :kind, :text, :data)")
                .bind("run", runId).bind("at", Timestamp.from(at)).bind("kind", kind)
                .bind("text", text.length() > 4000 ? text.substring(0, 4000) : text)
                .bind("data", data == null || data.isEmpty() ? null : Json.write(data)).execute();
    }

    Optional<RunbookRun> run(Handle h, long id) {
        return h.createQuery("SELECT " + RUN_COLUMNS + " FROM runbook_run WHERE id = :id").bind("id", id).map(RUN).findOne();
    }

    /** Locks the run's row: whoever holds it is the only one working on the run. */
    Optional<RunbookRun> lockRun(Handle h, long id) {
        return h.createQuery("SELECT " + RUN_COLUMNS + " FROM runbook_run WHERE id = :id FOR UPDATE").bind("id", id).map(RUN).findOne();
    }

    Optional<RunbookRun> runningFor(Handle h, String rollout) {
        return h.createQuery("SELECT " + RUN_COLUMNS + " FROM runbook_run WHERE open_rollout = :rollout")
                .bind("rollout", rollout).map(RUN).findOne();
    }

    List<Long> runningIds(Handle h) {
        return h.createQuery("SELECT id FROM runbook_run WHERE state = :state ORDER BY id").bind("state", RunbookRun.RUNNING)
                .mapTo(Long.class).list();
    }

    List<RunbookRun> list(Handle h, String rollout, int limit) {
        return h.createQuery("SELECT " + RUN_COLUMNS + " FROM runbook_run WHERE rollout_key = :rollout ORDER BY id DESC LIMIT :limit")
                .bind("rollout", rollout).bind("limit", limit).map(RUN).list();
    }

    List<RunbookStep> steps(Handle h, long runId) {
        return h.createQuery("SELECT * FROM runbook_step WHERE run_id = :run ORDER BY position").bind("run", runId).map(STEP).list();
    }

    List<RunbookEvent> events(Handle h, long runId) {
        return h.createQuery("SELECT * FROM runbook_event WHERE run_id = :run ORDER BY id").bind("run", runId).map(EVENT).list();
    }

    /** @param epoch the leader's epoch the attempt is made under (0 without a cluster) */
    void startStep(Handle h, long runId, int position, String node, long epoch, Instant now) {
        h.createUpdate("UPDATE runbook_step SET state = :state, attempts = attempts + 1, started_at = COALESCE(started_at, :now), "
                        + "node_id = :node, epoch = :epoch WHERE run_id = :run AND position = :position")
                .bind("state", RunbookStep.RUNNING).bind("now", Timestamp.from(now)).bind("node", node).bind("epoch", epoch)
                .bind("run", runId).bind("position", position).execute();
    }

    void finishStep(Handle h, long runId, int position, long epoch, String state, Map<String, Object> result, String error,
                    Instant nextAttemptAt, Instant finishedAt) {
        h.createUpdate("UPDATE runbook_step SET state = :state, result_json = :result, last_error = :error, "
                        + "next_attempt_at = :next, finished_at = :finished, epoch = :epoch WHERE run_id = :run AND position = :position")
                .bind("state", state).bind("epoch", epoch).bind("result", result == null ? null : Json.write(result))
                .bind("error", error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error)
                .bind("next", Timestamp.from(nextAttemptAt)).bind("finished", finishedAt == null ? null : Timestamp.from(finishedAt))
                .bind("run", runId).bind("position", position).execute();
    }

    void setIncident(Handle h, long runId, long incidentId) {
        h.createUpdate("UPDATE runbook_run SET incident_id = :incident WHERE id = :run").bind("incident", incidentId)
                .bind("run", runId).execute();
    }

    void setFeaturesDisabled(Handle h, long runId, Instant at) {
        h.createUpdate("UPDATE runbook_run SET features_disabled_at = :at WHERE id = :run").bind("at", Timestamp.from(at))
                .bind("run", runId).execute();
    }

    void finishRun(Handle h, long runId, String state, String outcome, Instant at) {
        h.createUpdate("UPDATE runbook_run SET state = :state, outcome = :outcome, finished_at = :at, open_rollout = NULL WHERE id = :run")
                .bind("state", state).bind("outcome", outcome).bind("at", Timestamp.from(at)).bind("run", runId).execute();
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(String json) {
        return json == null ? null : Json.readStored(json, Map.class);
    }
}
