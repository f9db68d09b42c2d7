package dev.phasegate.server.guard;

import dev.phasegate.server.http.Json;
import dev.phasegate.server.store.Database;
import org.jdbi.v3.core.Handle;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The decision records of the guard engine: the latest per guard in memory, and a stored history.
 *
 * <p>Guards are evaluated every second; storing every evaluation would write 86,400 rows per guard a day
 * for little news. A decision is stored when its result differs from the last stored one for that guard
 * (so every change, and the evidence for it, is kept) and otherwise at most every {@link #HEARTBEAT}.
 */
public final class DecisionLog {

    /** Ten seconds: one telemetry bucket, so the history has a point per bucket while nothing changes. */
    static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final Database db;
    private final Map<String, GuardDecision> latest = new ConcurrentHashMap<>();
    private final Map<String, GuardDecision> lastStored = new ConcurrentHashMap<>();

    public DecisionLog(Database db) {
        this.db = db;
    }

    /** Records an evaluation; returns it with its store id when it was stored. */
    GuardDecision record(GuardDecision decision) {
        String key = key(decision.rollout(), decision.guard());
        GuardDecision previous = lastStored.get(key);
        GuardDecision result = decision;
        if (previous == null || previous.result() != decision.result()
                || !decision.at().isBefore(previous.at().plus(HEARTBEAT))) {
            long id = db.inTransaction(h -> insert(h, decision));
            result = decision.withId(id);
            lastStored.put(key, result);
        }
        latest.put(key, result);
        return result;
    }

    /** The latest evaluation of each guard of a rollout, in no particular order. */
    public List<GuardDecision> latest(String rollout) {
        return latest.values().stream().filter(d -> d.rollout().equals(rollout)).toList();
    }

    public Optional<GuardDecision> latest(String rollout, String guard) {
        return Optional.ofNullable(latest.get(key(rollout, guard)));
    }

    /** Forgets the in-memory state of guards that are no longer evaluated (rollout finished, plan changed). */
    void retain(java.util.Set<String> liveKeys) {
        latest.keySet().retainAll(liveKeys);
        lastStored.keySet().retainAll(liveKeys);
    }

    /** Stored decisions, newest first, optionally of one guard, in [from, to), before an id (paging). */
    public List<GuardDecision> history(String rollout, String guard, Instant from, Instant to, Long beforeId, int limit) {
        return db.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT id, record_json FROM guard_decision WHERE rollout_key = :rollout");
            if (guard != null) {
                sql.append(" AND guard_name = :guard");
            }
            if (from != null) {
                sql.append(" AND decided_at >= :from");
            }
            if (to != null) {
                sql.append(" AND decided_at < :to");
            }
            if (beforeId != null) {
                sql.append(" AND id < :before");
            }
            sql.append(" ORDER BY id DESC LIMIT :limit");
            var q = h.createQuery(sql.toString()).bind("rollout", rollout).bind("limit", limit);
            if (guard != null) {
                q.bind("guard", guard);
            }
            if (from != null) {
                q.bind("from", Timestamp.from(from));
            }
            if (to != null) {
                q.bind("to", Timestamp.from(to));
            }
            if (beforeId != null) {
                q.bind("before", beforeId);
            }
            List<GuardDecision> out = new ArrayList<>();
            q.map((rs, ctx) -> Json.readStored(rs.getString("record_json"), GuardDecision.class).withId(rs.getLong("id")))
                    .forEach(out::add);
            return out;
        });
    }

    public Optional<GuardDecision> find(long id) {
        return db.withHandle(h -> h.createQuery("SELECT id, record_json FROM guard_decision WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> Json.readStored(rs.getString("record_json"), GuardDecision.class).withId(rs.getLong("id")))
                .findOne());
    }

    /** Deletes decisions older than {@code cutoff}; returns how many. */
    int purge(Instant cutoff) {
        return db.inTransaction(h -> h.createUpdate("DELETE FROM guard_decision WHERE decided_at < :cutoff")
                .bind("cutoff", Timestamp.from(cutoff)).execute());
    }

    private static long insert(Handle h, GuardDecision d) {
        return h.createUpdate("INSERT INTO guard_decision (rollout_key, guard_name, decided_at, result, record_json) "
                        + "VALUES (:rollout, :guard, :at, :result, :json)")
                .bind("rollout", d.rollout()).bind("guard", d.guard()).bind("at", Timestamp.from(d.at()))
                .bind("result", d.result().wireName()).bind("json", Json.write(d))
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    static String key(String rollout, String guard) {
        return rollout + "\u0000" + guard;
    }
}
