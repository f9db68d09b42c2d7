package dev.phasegate.server.audit;

import dev.phasegate.server.http.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/** Writes and reads the audit log. Writing takes the caller's handle: the entry commits with the change. */
public final class AuditLog {

    private static final String INSERT = "INSERT INTO audit_event (at, actor, action, rollout_key, subject, before_json, after_json) "
            + "VALUES (:at, :actor, :action, :rollout, :subject, :before, :after)";

    /** One change to record. {@code before} and {@code after} are objects turned into JSON, or null. */
    public record Entry(String action, String rollout, String subject, Object before, Object after) {
    }

    /** An entry with its own actor, for batches that combine several callers' changes. */
    public record Recorded(Actor actor, Entry entry) {
    }

    public void record(Handle h, Instant at, Actor actor, Entry entry) {
        bind(h.createUpdate(INSERT), at, actor, entry).execute();
    }

    /** Records many entries in one batch (a 10,000-user enrollment writes 10,000 entries). */
    public void recordAll(Handle h, Instant at, Actor actor, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch(INSERT);
        for (Entry entry : entries) {
            bindBatch(batch, at, actor, entry).add();
        }
        batch.execute();
    }

    /** Records entries of several actors in one batch. */
    public void recordAll(Handle h, Instant at, List<Recorded> entries) {
        if (entries.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch(INSERT);
        for (Recorded r : entries) {
            bindBatch(batch, at, r.actor(), r.entry()).add();
        }
        batch.execute();
    }

    private static org.jdbi.v3.core.statement.Update bind(org.jdbi.v3.core.statement.Update u, Instant at, Actor actor, Entry e) {
        return u.bind("at", Timestamp.from(at)).bind("actor", actor.display()).bind("action", e.action())
                .bind("rollout", e.rollout()).bind("subject", e.subject())
                .bind("before", e.before() == null ? null : Json.write(e.before()))
                .bind("after", e.after() == null ? null : Json.write(e.after()));
    }

    private static PreparedBatch bindBatch(PreparedBatch b, Instant at, Actor actor, Entry e) {
        return b.bind("at", Timestamp.from(at)).bind("actor", actor.display()).bind("action", e.action())
                .bind("rollout", e.rollout()).bind("subject", e.subject())
                .bind("before", e.before() == null ? null : Json.write(e.before()))
                .bind("after", e.after() == null ? null : Json.write(e.after()));
    }

    /**
     * The newest entries first.
     *
     * @param rollout only this rollout's entries, or null for all
     * @param before  only entries with a smaller id (paging), or null
     * @param limit   at most this many
     */
    public List<AuditEvent> list(Handle h, String rollout, Long before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, rollout_key, subject, before_json, after_json FROM audit_event WHERE 1=1");
        if (rollout != null) {
            sql.append(" AND rollout_key = :rollout");
        }
        if (before != null) {
            sql.append(" AND id < :before");
        }
        sql.append(" ORDER BY id DESC LIMIT :limit");
        Query q = h.createQuery(sql.toString()).bind("limit", limit);
        if (rollout != null) {
            q.bind("rollout", rollout);
        }
        if (before != null) {
            q.bind("before", before);
        }
        return q.map((rs, ctx) -> new AuditEvent(rs.getLong("id"), rs.getTimestamp("at").toInstant(), rs.getString("actor"),
                rs.getString("action"), rs.getString("rollout_key"), rs.getString("subject"),
                rs.getString("before_json"), rs.getString("after_json"))).list();
    }
}
