package dev.phasegate.server.enrollment;

import dev.phasegate.core.enrollment.EnrollmentStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for enrollment rows. Methods take the caller's handle. */
public final class EnrollmentRepository {

    /** IN-lists stay well under every driver's bind-parameter limit (PostgreSQL: 32,767). */
    private static final int CHUNK = 1000;

    private static final String COLUMNS = "rollout_key, user_id, email, attributes_json, status, joined_phase, seq, created_at, updated_at";

    static final RowMapper<Enrollment> MAPPER = (rs, ctx) -> {
        int phase = rs.getInt("joined_phase");
        Integer joined = rs.wasNull() ? null : phase;
        return new Enrollment(rs.getString("rollout_key"), rs.getString("user_id"), rs.getString("email"),
                rs.getString("attributes_json"), EnrollmentStatus.valueOf(rs.getString("status")).apiName(), joined,
                rs.getLong("seq"), null, null, rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    };

    /** A row to write: a new user, or a user who left and comes back. */
    record Row(String userId, String email, String attributes, EnrollmentStatus status, Integer joinedPhase, long seq, boolean exists) {
    }

    public Optional<Enrollment> find(Handle h, String rollout, String userId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM enrollment WHERE rollout_key = :r AND user_id = :u")
                .bind("r", rollout).bind("u", userId).map(MAPPER).findOne();
    }

    /** The existing rows of these users, by user id. */
    public Map<String, Enrollment> findAll(Handle h, String rollout, List<String> userIds) {
        Map<String, Enrollment> found = new HashMap<>();
        for (int from = 0; from < userIds.size(); from += CHUNK) {
            List<String> chunk = userIds.subList(from, Math.min(userIds.size(), from + CHUNK));
            // Only user_id in the condition, and the rollout filtered here: given "rollout_key = ?" too, H2
            // walks the rollout's rows by primary key and compares each with every id (most of an
            // admission's CPU under load), instead of looking the ids up in enrollment_by_user.
            h.createQuery("SELECT " + COLUMNS + " FROM enrollment WHERE user_id = ANY(:ids)")
                    .bindArray("ids", String.class, chunk).map(MAPPER)
                    .forEach(e -> {
                        if (e.rollout().equals(rollout)) {
                            found.put(e.userId(), e);
                        }
                    });
        }
        return found;
    }

    void write(Handle h, String rollout, List<Row> rows, Instant now) {
        List<Row> inserts = rows.stream().filter(r -> !r.exists()).toList();
        List<Row> updates = rows.stream().filter(Row::exists).toList();
        Timestamp ts = Timestamp.from(now);
        if (!inserts.isEmpty()) {
            PreparedBatch batch = h.prepareBatch("INSERT INTO enrollment (" + COLUMNS + ") VALUES (:r, :u, :email, :attrs, :status, :phase, :seq, :now, :now)");
            for (Row row : inserts) {
                batch.bind("r", rollout).bind("u", row.userId()).bind("email", row.email()).bind("attrs", row.attributes())
                        .bind("status", row.status().name()).bind("phase", row.joinedPhase()).bind("seq", row.seq()).bind("now", ts).add();
            }
            batch.execute();
        }
        if (!updates.isEmpty()) {
            PreparedBatch batch = h.prepareBatch("UPDATE enrollment SET email = :email, attributes_json = :attrs, status = :status, "
                    + "joined_phase = :phase, seq = :seq, updated_at = :now WHERE rollout_key = :r AND user_id = :u");
            for (Row row : updates) {
                batch.bind("r", rollout).bind("u", row.userId()).bind("email", row.email()).bind("attrs", row.attributes())
                        .bind("status", row.status().name()).bind("phase", row.joinedPhase()).bind("seq", row.seq()).bind("now", ts).add();
            }
            batch.execute();
        }
    }

    void setStatus(Handle h, String rollout, String userId, EnrollmentStatus status, Integer joinedPhase, Instant now) {
        h.createUpdate("UPDATE enrollment SET status = :status, joined_phase = :phase, updated_at = :now WHERE rollout_key = :r AND user_id = :u")
                .bind("status", status.name()).bind("phase", joinedPhase).bind("now", Timestamp.from(now))
                .bind("r", rollout).bind("u", userId).execute();
    }

    /** The first {@code limit} waitlisted users in arrival order. */
    List<String> headOfWaitlist(Handle h, String rollout, int limit) {
        return h.createQuery("SELECT user_id FROM enrollment WHERE rollout_key = :r AND status = 'WAITLISTED' ORDER BY seq LIMIT :limit")
                .bind("r", rollout).bind("limit", limit).mapTo(String.class).list();
    }

    void admit(Handle h, String rollout, List<String> userIds, int phase, Instant now) {
        PreparedBatch batch = h.prepareBatch("UPDATE enrollment SET status = 'ENROLLED', joined_phase = :phase, updated_at = :now "
                + "WHERE rollout_key = :r AND user_id = :u AND status = 'WAITLISTED'");
        for (String userId : userIds) {
            batch.bind("phase", phase).bind("now", Timestamp.from(now)).bind("r", rollout).bind("u", userId).add();
        }
        batch.execute();
    }

    /** Number of waitlisted users who arrived before {@code seq}. */
    long waitlistedBefore(Handle h, String rollout, long seq) {
        return h.createQuery("SELECT COUNT(*) FROM enrollment WHERE rollout_key = :r AND status = 'WAITLISTED' AND seq < :seq")
                .bind("r", rollout).bind("seq", seq).mapTo(Long.class).one();
    }

    /**
     * A page of enrollments in arrival order.
     *
     * @param status only this status, or null
     * @param phase  only users who joined in this phase, or null
     * @param after  only rows after this arrival number (the previous page's cursor), or null
     */
    public List<Enrollment> page(Handle h, String rollout, EnrollmentStatus status, Integer phase, Long after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM enrollment WHERE rollout_key = :r");
        if (status != null) {
            sql.append(" AND status = :status");
        }
        if (phase != null) {
            sql.append(" AND joined_phase = :phase");
        }
        if (after != null) {
            sql.append(" AND seq > :after");
        }
        sql.append(" ORDER BY seq LIMIT :limit");
        Query q = h.createQuery(sql.toString()).bind("r", rollout).bind("limit", limit);
        if (status != null) {
            q.bind("status", status.name());
        }
        if (phase != null) {
            q.bind("phase", phase);
        }
        if (after != null) {
            q.bind("after", after);
        }
        return new ArrayList<>(q.map(MAPPER).list());
    }
}
