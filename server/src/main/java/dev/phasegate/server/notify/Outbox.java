package dev.phasegate.server.notify;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.phasegate.core.plan.Contact;
import dev.phasegate.server.http.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The outbox table: notifications written in the caller's transaction, so a notice exists exactly when the
 * change that caused it committed. The {@link DeliveryWorker} sends them later.
 *
 * <pre>{@code
 * db.inTransaction(h -> {
 *     rollouts.updateState(h, ...);
 *     boolean queued = outbox.enqueue(h, message);   // false: this idempotency key was queued before
 *     return null;
 * });
 * }</pre>
 */
public final class Outbox {

    /** Keys are made of rollout keys, user ids and occasions; longer ones are shortened with a hash. */
    static final int MAX_KEY = 200;
    /** A subject is a line; a longer one is cut (the column holds 1024). */
    private static final int MAX_SUBJECT = 1000;

    private static final String INSERT = "INSERT INTO outbox (idempotency_key, channel, recipient, webhook_format, subject, body, "
            + "payload_json, rollout_key, incident_id, kind, status, attempts, next_attempt_at, created_at, updated_at) "
            + "VALUES (:key, :channel, :recipient, :format, :subject, :body, :payload, :rollout, :incident, :kind, 'PENDING', 0, "
            + ":now, :now, :now) ON CONFLICT DO NOTHING";

    private static final String COLUMNS = "id, idempotency_key, channel, recipient, webhook_format, subject, body, payload_json, "
            + "rollout_key, incident_id, kind, status, attempts, next_attempt_at, last_error, created_at, delivered_at, updated_at";

    private final Clock clock;

    public Outbox(Clock clock) {
        this.clock = clock;
    }

    /**
     * Queues {@code m} in the caller's transaction.
     *
     * @return true if queued, false if a message with this idempotency key was queued before (nothing written)
     */
    public boolean enqueue(Handle h, OutgoingMessage m) {
        // ON CONFLICT DO NOTHING (both stores accept it without a target) instead of catching the duplicate:
        // on PostgreSQL a failed statement would abort the caller's whole transaction.
        return bind(h.createUpdate(INSERT), m, Timestamp.from(clock.instant())).execute() == 1;
    }

    /** Queues many messages in one batch; returns how many were new. */
    public int enqueueAll(Handle h, List<OutgoingMessage> messages) {
        if (messages.isEmpty()) {
            return 0;
        }
        Timestamp now = Timestamp.from(clock.instant());
        PreparedBatch batch = h.prepareBatch(INSERT);
        for (OutgoingMessage m : messages) {
            bindBatch(batch, m, now).add();
        }
        int queued = 0;
        for (int n : batch.execute()) {
            queued += n > 0 ? 1 : 0;
        }
        return queued;
    }

    private static org.jdbi.v3.core.statement.Update bind(org.jdbi.v3.core.statement.Update u, OutgoingMessage m, Timestamp now) {
        return u.bind("key", key(m.idempotencyKey())).bind("channel", m.channel().name()).bind("recipient", m.recipient())
                .bind("format", m.webhookFormat() == null ? null : m.webhookFormat().planName())
                .bind("subject", cut(m.subject(), MAX_SUBJECT)).bind("body", m.text())
                .bind("payload", m.payload().isEmpty() ? null : Json.write(m.payload()))
                .bind("rollout", m.rolloutKey()).bind("incident", m.incidentId()).bind("kind", m.kind()).bind("now", now);
    }

    private static PreparedBatch bindBatch(PreparedBatch b, OutgoingMessage m, Timestamp now) {
        return b.bind("key", key(m.idempotencyKey())).bind("channel", m.channel().name()).bind("recipient", m.recipient())
                .bind("format", m.webhookFormat() == null ? null : m.webhookFormat().planName())
                .bind("subject", cut(m.subject(), MAX_SUBJECT)).bind("body", m.text())
                .bind("payload", m.payload().isEmpty() ? null : Json.write(m.payload()))
                .bind("rollout", m.rolloutKey()).bind("incident", m.incidentId()).bind("kind", m.kind()).bind("now", now);
    }

    /** The stored form of an idempotency key: itself, or when long its start and a SHA-256 of the whole. */
    static String key(String key) {
        if (key.length() <= MAX_KEY) {
            return key;
        }
        return key.substring(0, MAX_KEY - 65) + "#" + sha256(key);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** A message as stored, for the API and the incident's timeline. */
    public record StoredMessage(long id, String idempotencyKey, String kind, String channel, String recipient, String webhookFormat,
                                String subject, String text, String rollout, Long incidentId, String status, int attempts,
                                Instant nextAttemptAt, String lastError, Instant createdAt, Instant deliveredAt, Instant updatedAt,
                                List<Attempt> log) {
        StoredMessage withLog(List<Attempt> attempts) {
            return new StoredMessage(id, idempotencyKey, kind, channel, recipient, webhookFormat, subject, text, rollout, incidentId,
                    status, this.attempts, nextAttemptAt, lastError, createdAt, deliveredAt, updatedAt, attempts);
        }
    }

    /** One attempt to deliver: its number, when, how it ended, why, and how long it took. */
    public record Attempt(int attempt, Instant at, String outcome, String error, long durationMs) {
    }

    /** Which messages to list; null fields do not filter. */
    public record Filter(String rollout, Long incidentId, MessageStatus status, String kind, Long before, int limit) {
    }

    private static final RowMapper<StoredMessage> MAPPER = (rs, ctx) -> {
        long incident = rs.getLong("incident_id");
        Long incidentId = rs.wasNull() ? null : incident;
        return new StoredMessage(rs.getLong("id"), rs.getString("idempotency_key"), rs.getString("kind"),
                rs.getString("channel").toLowerCase(Locale.ROOT), rs.getString("recipient"), rs.getString("webhook_format"),
                rs.getString("subject"), rs.getString("body"), rs.getString("rollout_key"), incidentId,
                rs.getString("status").toLowerCase(Locale.ROOT), rs.getInt("attempts"), instant(rs.getTimestamp("next_attempt_at")),
                rs.getString("last_error"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("delivered_at")),
                instant(rs.getTimestamp("updated_at")), null);
    };

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** Newest first, without the delivery log (see {@link #find}). */
    public List<StoredMessage> list(Handle h, Filter f) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM outbox WHERE 1=1");
        if (f.rollout() != null) {
            sql.append(" AND rollout_key = :rollout");
        }
        if (f.incidentId() != null) {
            sql.append(" AND incident_id = :incident");
        }
        if (f.status() != null) {
            sql.append(" AND status = :status");
        }
        if (f.kind() != null) {
            sql.append(" AND kind = :kind");
        }
        if (f.before() != null) {
            sql.append(" AND id < :before");
        }
        sql.append(" ORDER BY id DESC LIMIT :limit");
        Query q = h.createQuery(sql.toString()).bind("limit", f.limit());
        if (f.rollout() != null) {
            q.bind("rollout", f.rollout());
        }
        if (f.incidentId() != null) {
            q.bind("incident", f.incidentId());
        }
        if (f.status() != null) {
            q.bind("status", f.status().name());
        }
        if (f.kind() != null) {
            q.bind("kind", f.kind());
        }
        if (f.before() != null) {
            q.bind("before", f.before());
        }
        return new ArrayList<>(q.map(MAPPER).list());
    }

    /** One message with its delivery log, oldest attempt first. */
    public Optional<StoredMessage> find(Handle h, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM outbox WHERE id = :id").bind("id", id).map(MAPPER).findOne()
                .map(m -> m.withLog(attempts(h, id)));
    }

    /** The message queued under {@code idempotencyKey}, with its delivery log. */
    public Optional<StoredMessage> findByKey(Handle h, String idempotencyKey) {
        return h.createQuery("SELECT id FROM outbox WHERE idempotency_key = :key").bind("key", key(idempotencyKey))
                .mapTo(Long.class).findOne().flatMap(id -> find(h, id));
    }

    List<Attempt> attempts(Handle h, long messageId) {
        return h.createQuery("SELECT attempt, at, outcome, error, duration_ms FROM delivery_attempt WHERE message_id = :id ORDER BY id")
                .bind("id", messageId)
                .map((rs, ctx) -> new Attempt(rs.getInt("attempt"), rs.getTimestamp("at").toInstant(), rs.getString("outcome"),
                        rs.getString("error"), rs.getLong("duration_ms"))).list();
    }

    // ---- for the delivery worker -------------------------------------------------------------------------

    /** A message taken for sending. */
    record Claimed(long id, String idempotencyKey, Channel channel, String recipient, Contact.WebhookFormat webhookFormat,
                   String subject, String text, Map<String, Object> payload, String rollout, Long incidentId, String kind,
                   int attempts, Instant createdAt) {
    }

    private static final TypeReference<Map<String, Object>> PAYLOAD = new TypeReference<>() {
    };

    /**
     * Takes up to {@code limit} due messages and leases them until {@code leaseUntil}, in its own short
     * transaction. {@code FOR UPDATE SKIP LOCKED} makes workers on other nodes pass over rows this one is
     * taking instead of waiting for them (both stores accept it); the lease keeps them off the rows while
     * this one sends, after the claim has committed.
     */
    List<Claimed> claim(Handle h, Instant now, Instant leaseUntil, int limit) {
        Timestamp at = Timestamp.from(now);
        List<Long> ids = h.createQuery("SELECT id FROM outbox WHERE status = 'PENDING' AND next_attempt_at <= :now "
                        + "AND (leased_until IS NULL OR leased_until <= :now) ORDER BY next_attempt_at, id LIMIT :limit FOR UPDATE SKIP LOCKED")
                .bind("now", at).bind("limit", limit).mapTo(Long.class).list();
        if (ids.isEmpty()) {
            return List.of();
        }
        h.createUpdate("UPDATE outbox SET leased_until = :lease WHERE id IN (<ids>)")
                .bind("lease", Timestamp.from(leaseUntil)).bindList("ids", ids).execute();
        return h.createQuery("SELECT " + COLUMNS + " FROM outbox WHERE id IN (<ids>) ORDER BY next_attempt_at, id")
                .bindList("ids", ids)
                .map((rs, ctx) -> {
                    long incident = rs.getLong("incident_id");
                    Long incidentId = rs.wasNull() ? null : incident;
                    String format = rs.getString("webhook_format");
                    String payload = rs.getString("payload_json");
                    return new Claimed(rs.getLong("id"), rs.getString("idempotency_key"), Channel.valueOf(rs.getString("channel")),
                            rs.getString("recipient"), format == null ? null : Contact.WebhookFormat.byPlanName(format).orElse(null),
                            rs.getString("subject"), rs.getString("body"),
                            readPayload(payload), rs.getString("rollout_key"),
                            incidentId, rs.getString("kind"), rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant());
                }).list();
    }

    private static Map<String, Object> readPayload(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return Json.MAPPER.readValue(json, PAYLOAD);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the stored payload is not JSON (it was written by Json.write)", e);
        }
    }

    /**
     * Records attempt number {@code attempt} and the message's new state. The update only touches a pending
     * message, so a message is recorded delivered (or failed) once, however often it was sent.
     *
     * @param next when to try again (status pending), or null
     */
    void record(Handle h, long id, int attempt, Instant at, Delivery outcome, long durationMs, MessageStatus status, Instant next) {
        String error = outcome.error() == null ? null : cut(outcome.error(), 2000);
        h.createUpdate("INSERT INTO delivery_attempt (message_id, attempt, at, outcome, error, duration_ms) "
                        + "VALUES (:id, :attempt, :at, :outcome, :error, :duration)")
                .bind("id", id).bind("attempt", attempt).bind("at", Timestamp.from(at)).bind("outcome", outcome.outcome().apiName())
                .bind("error", error).bind("duration", durationMs).execute();
        h.createUpdate("UPDATE outbox SET status = :status, attempts = :attempt, next_attempt_at = :next, leased_until = NULL, "
                        + "last_error = :error, delivered_at = :delivered, updated_at = :at WHERE id = :id AND status = 'PENDING'")
                .bind("status", status.name()).bind("attempt", attempt)
                .bind("next", Timestamp.from(next == null ? at : next)).bind("error", error)
                .bind("delivered", status == MessageStatus.DELIVERED ? Timestamp.from(at) : null)
                .bind("at", Timestamp.from(at)).bind("id", id).execute();
    }

    /**
     * Frees every lease. Only for the embedded store, which one process at a time can open: a lease found
     * at start belongs to a process that died while sending, and its messages are due again at once.
     */
    int releaseLeases(Handle h) {
        return h.createUpdate("UPDATE outbox SET leased_until = NULL WHERE status = 'PENDING' AND leased_until IS NOT NULL").execute();
    }
}
