package dev.phasegate.server.user;

import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.token.TokenService;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sign-in sessions, kept in the store rather than in signed cookies: signing out, removing a user or
 * changing a password must end a session at once, on every node, and a signed cookie cannot be taken
 * back before it expires without a store lookup anyway. The cookie carries 256 random bits; the store
 * keeps only their SHA-256 (the id is as strong as a token, so a slow hash adds nothing). Each session has
 * its own CSRF token, which every change made with the cookie must repeat in {@code X-CSRF-Token}.
 */
public final class Sessions {

    /** The cookie's name. */
    public static final String COOKIE = "phasegate_session";
    /** A working day and a night: a session unused this long ends (OWASP: idle timeouts of hours for low-risk apps). */
    public static final Duration IDLE = Duration.ofHours(12);
    /** However busy, a session ends a week after sign-in. */
    public static final Duration ABSOLUTE = Duration.ofDays(7);
    /** Last use is written at most this often: one write per minute, not per request. */
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    /** How long a checked session is trusted without the store; sign-out on this node takes effect at once. */
    static final Duration CACHE_TTL = Duration.ofSeconds(5);

    /** A signed-in person. */
    public record Session(String user, Role role, String csrfToken, Instant createdAt) {
        /** As the API's routes see the caller: the role's permissions, audited as {@code user:<name>}. */
        public TokenService.Principal principal() {
            return TokenService.Principal.person(user, role.apiName(), role.permissions());
        }
    }

    /** A new session and the cookie value that names it (shown only to the browser that signed in). */
    public record Opened(String id, Session session) {
        @Override
        public String toString() {
            return "Opened[session=" + session.user() + "]"; // never the id
        }
    }

    private record Cached(Session session, Instant until) {
    }

    private final Database db;
    private final Users users;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Sessions(Database db, Users users, Clock clock, SecureRandom random) {
        this.db = db;
        this.users = users;
        this.clock = clock;
        this.random = random;
    }

    public Users users() {
        return users;
    }

    /** Opens a session if the name and password match; empty otherwise (which one was wrong is not told). */
    public Optional<Opened> signIn(String name, String password) {
        Optional<Users.Stored> user = users.check(name, password);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        String id = randomToken();
        String csrf = randomToken();
        Instant now = clock.instant();
        db.inTransaction(h -> {
            // Expired sessions go when someone signs in: bounded by the number of sign-ins, no loop needed.
            h.createUpdate("DELETE FROM ui_session WHERE last_seen_at < :idle OR created_at < :absolute")
                    .bind("idle", Timestamp.from(now.minus(IDLE))).bind("absolute", Timestamp.from(now.minus(ABSOLUTE))).execute();
            h.createUpdate("INSERT INTO ui_session (id_hash, user_name, csrf_token, created_at, last_seen_at) VALUES (:id, :u, :c, :at, :at)")
                    .bind("id", hash(id)).bind("u", user.get().name()).bind("c", csrf).bind("at", Timestamp.from(now)).execute();
            return null;
        });
        return Optional.of(new Opened(id, new Session(user.get().name(), user.get().role(), csrf, now)));
    }

    /** The live session a cookie names, or empty if unknown, ended or expired. Records its use. */
    public Optional<Session> find(String id) {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return Optional.empty();
        }
        String key = hash(id);
        Instant now = clock.instant();
        Cached cached = cache.get(key);
        if (cached != null && cached.until().isAfter(now)) {
            return Optional.of(cached.session());
        }
        Optional<Session> found = db.inTransaction(h -> {
            var row = h.createQuery("""
                            SELECT s.user_name, u.role, s.csrf_token, s.created_at, s.last_seen_at
                            FROM ui_session s JOIN ui_user u ON u.name = s.user_name WHERE s.id_hash = :id""")
                    .bind("id", key)
                    .map((rs, ctx) -> Map.entry(new Session(rs.getString(1), Role.valueOf(rs.getString(2)), rs.getString(3),
                            rs.getTimestamp(4).toInstant()), rs.getTimestamp(5).toInstant()))
                    .findOne();
            if (row.isEmpty()) {
                return Optional.<Session>empty();
            }
            Session session = row.get().getKey();
            Instant lastSeen = row.get().getValue();
            if (!lastSeen.plus(IDLE).isAfter(now) || !session.createdAt().plus(ABSOLUTE).isAfter(now)) {
                h.createUpdate("DELETE FROM ui_session WHERE id_hash = :id").bind("id", key).execute();
                return Optional.<Session>empty();
            }
            if (!lastSeen.plus(TOUCH_EVERY).isAfter(now)) {
                h.createUpdate("UPDATE ui_session SET last_seen_at = :at WHERE id_hash = :id")
                        .bind("at", Timestamp.from(now)).bind("id", key).execute();
            }
            return Optional.of(session);
        });
        found.ifPresentOrElse(s -> cache.put(key, new Cached(s, now.plus(CACHE_TTL))), () -> cache.remove(key));
        return found;
    }

    /** Ends a session (sign-out). Unknown ids are ignored. */
    public void signOut(String id) {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return;
        }
        String key = hash(id);
        cache.remove(key);
        db.inTransaction(h -> h.createUpdate("DELETE FROM ui_session WHERE id_hash = :id").bind("id", key).execute());
    }

    /** Forgets cached sessions of a user at once on this node (after removal or a password change here). */
    void forget(String user) {
        cache.values().removeIf(c -> c.session().user().equals(user));
    }

    /** Removes a user and ends their sessions on this node at once. */
    public void remove(String name, Actor actor) {
        users.remove(name, actor);
        forget(name);
    }

    /** Changes a password and ends the user's sessions on this node at once. */
    public void changePassword(String name, String password, Actor actor) {
        users.changePassword(name, password, actor);
        forget(name);
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
