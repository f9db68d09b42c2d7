package dev.phasegate.server.user;

import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.store.Database;
import org.jdbi.v3.core.Handle;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The people who may sign in: add, list, remove, change a password. Used by the server and, directly
 * against the store, by {@code phasegate user ...} (people have no token to call the API with at first).
 *
 * <pre>{@code
 * Users users = new Users(db, new AuditLog(), Clock.systemUTC(), new SecureRandom());
 * users.add("alice", Role.OPERATOR, password, Actor.SYSTEM);
 * }</pre>
 */
public final class Users {

    /** Names are shown in the audit log as {@code user:<name>}: keep them short and plain. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    /** NIST SP 800-63B: at least 8 characters; the upper bound only keeps a request's cost bounded. */
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 1024;

    private final Database db;
    private final AuditLog audit;
    private final Clock clock;
    final PasswordHasher hasher;

    public Users(Database db, AuditLog audit, Clock clock, SecureRandom random) {
        this(db, audit, clock, new PasswordHasher(random));
    }

    Users(Database db, AuditLog audit, Clock clock, PasswordHasher hasher) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
        this.hasher = hasher;
    }

    /** Adds a user; an existing name is a 409. */
    public User add(String name, Role role, String password, Actor actor) {
        checkName(name);
        if (role == null) {
            throw new PhasegateException.Invalid(new Problem("role", "is required: viewer, operator or admin"));
        }
        String hash = hasher.hash(checkPassword(password));
        Instant now = clock.instant();
        return db.inTransaction(h -> {
            if (find(h, name).isPresent()) {
                throw new PhasegateException.Conflict("a user named '" + name + "' already exists; use 'user passwd' to change the password");
            }
            h.createUpdate("INSERT INTO ui_user (name, role, password_hash, created_at, updated_at) VALUES (:n, :r, :p, :at, :at)")
                    .bind("n", name).bind("r", role.name()).bind("p", hash).bind("at", Timestamp.from(now)).execute();
            audit.record(h, now, actor, new AuditLog.Entry("user.created", null, "user:" + name, null,
                    Map.of("name", name, "role", role.apiName())));
            return new User(name, role.apiName(), now, now);
        });
    }

    public List<User> list() {
        return db.withHandle(h -> h.createQuery("SELECT name, role, created_at, updated_at FROM ui_user ORDER BY name")
                .map((rs, ctx) -> new User(rs.getString(1), Role.valueOf(rs.getString(2)).apiName(),
                        rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant()))
                .list());
    }

    /** Removes a user and, with them, every session they had. Unknown → 404. */
    public void remove(String name, Actor actor) {
        Instant now = clock.instant();
        db.inTransaction(h -> {
            Stored user = find(h, name).orElseThrow(() -> new PhasegateException.NotFound("no user '" + name + "'"));
            h.createUpdate("DELETE FROM ui_session WHERE user_name = :n").bind("n", name).execute();
            h.createUpdate("DELETE FROM ui_user WHERE name = :n").bind("n", name).execute();
            audit.record(h, now, actor, new AuditLog.Entry("user.removed", null, "user:" + name,
                    Map.of("name", name, "role", user.role().apiName()), null));
            return null;
        });
    }

    /** Sets a new password and ends the user's sessions (whoever held one must sign in again). */
    public void changePassword(String name, String password, Actor actor) {
        String hash = hasher.hash(checkPassword(password));
        Instant now = clock.instant();
        db.inTransaction(h -> {
            find(h, name).orElseThrow(() -> new PhasegateException.NotFound("no user '" + name + "'"));
            h.createUpdate("UPDATE ui_user SET password_hash = :p, updated_at = :at WHERE name = :n")
                    .bind("p", hash).bind("at", Timestamp.from(now)).bind("n", name).execute();
            h.createUpdate("DELETE FROM ui_session WHERE user_name = :n").bind("n", name).execute();
            audit.record(h, now, actor, new AuditLog.Entry("user.password-changed", null, "user:" + name, null, Map.of("name", name)));
            return null;
        });
    }

    /**
     * The user if {@code password} is theirs. An unknown name costs one Argon2id verification too, and the
     * caller learns only "no": never which of the two was wrong.
     */
    Optional<Stored> check(String name, String password) {
        if (name == null || password == null || password.length() > MAX_PASSWORD || !NAME.matcher(name).matches()) {
            hasher.verifyDecoy(password == null ? "" : password.substring(0, Math.min(password.length(), MAX_PASSWORD)));
            return Optional.empty();
        }
        Optional<Stored> user = db.withHandle(h -> find(h, name));
        if (user.isEmpty()) {
            hasher.verifyDecoy(password);
            return Optional.empty();
        }
        return hasher.verify(password, user.get().passwordHash()) ? user : Optional.empty();
    }

    /** A user row, with the hash: never leaves this package. */
    record Stored(String name, Role role, String passwordHash) {
    }

    static Optional<Stored> find(Handle h, String name) {
        return h.createQuery("SELECT name, role, password_hash FROM ui_user WHERE name = :n").bind("n", name)
                .map((rs, ctx) -> new Stored(rs.getString(1), Role.valueOf(rs.getString(2)), rs.getString(3)))
                .findOne();
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new PhasegateException.Invalid(new Problem("name",
                    "must be 1–64 characters: letters, digits, '.', '_', '@' or '-', starting with a letter or digit"));
        }
    }

    private static String checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw new PhasegateException.Invalid(new Problem("password", "must be " + MIN_PASSWORD + "–" + MAX_PASSWORD + " characters"));
        }
        return password;
    }
}
