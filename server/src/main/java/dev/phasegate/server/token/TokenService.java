package dev.phasegate.server.token;

import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates, revokes and checks tokens. A token is {@code phg_} + 32 random bytes (256 bits) in base64url;
 * only its SHA-256 is stored (a slow hash adds nothing for secrets of that strength). The secret is
 * returned once, at creation, and never logged.
 */
public final class TokenService {

    private static final Logger log = LoggerFactory.getLogger(TokenService.class);
    private static final String PREFIX = "phg_";
    /** How long a checked token is trusted without asking the store again; a revocation on another node
     *  takes effect within this time (on this node, at once). */
    static final Duration CACHE_TTL = Duration.ofSeconds(5);

    /**
     * An authenticated caller: a token, or a person signed in to the web UI with a session cookie.
     *
     * @param tokenId     the token's id; for a person {@code user:<name>} (the key of per-caller limits)
     * @param name        the token's name, or the person's name
     * @param kind        the token kind's API name, or the person's role
     * @param permissions what the caller may do
     * @param person      true for a signed-in person
     */
    public record Principal(String tokenId, String name, String kind, java.util.Set<Permission> permissions, boolean person) {
        public static Principal token(String tokenId, String name, TokenKind kind) {
            return new Principal(tokenId, name, kind.apiName(), kind.permissions(), false);
        }

        public static Principal person(String user, String role, java.util.Set<Permission> permissions) {
            return new Principal("user:" + user, user, role, permissions, true);
        }

        public boolean may(Permission permission) {
            return permissions.contains(permission);
        }

        /** For messages: "an operator token", "user alice (viewer)". */
        public String describe() {
            return person ? "user " + name + " (" + kind + ")" : "a " + kind + " token";
        }

        /** Who the audit log names: {@code token:<id> (<name>)}, or {@code user:<name>} for a person. */
        public Actor actor() {
            return person ? new Actor(tokenId, tokenId) : new Actor("token:" + tokenId, "token:" + tokenId + " (" + name + ")");
        }
    }

    private record Cached(Principal principal, Instant until) {
    }

    private final Database db;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public TokenService(Database db, AuditLog audit, Clock clock, SecureRandom random) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Makes sure an admin token exists at start. With {@code configured} (PHASEGATE_ADMIN_TOKEN) that
     * token is registered if new; otherwise, if no admin token exists, one is generated and returned so
     * the caller can print it once.
     */
    public Optional<String> bootstrap(String configured) {
        if (configured != null) {
            String hash = hash(configured);
            boolean known = db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM api_token WHERE token_hash = :h")
                    .bind("h", hash).mapTo(Integer.class).one() > 0);
            if (!known) {
                insert(TokenKind.ADMIN, "bootstrap (PHASEGATE_ADMIN_TOKEN)", hash, Actor.SYSTEM);
                log.info("registered the admin token given by PHASEGATE_ADMIN_TOKEN");
            }
            return Optional.empty();
        }
        boolean anyAdmin = db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM api_token WHERE kind = 'ADMIN' AND revoked_at IS NULL")
                .mapTo(Integer.class).one() > 0);
        if (anyAdmin) {
            return Optional.empty();
        }
        String secret = newSecret();
        insert(TokenKind.ADMIN, "bootstrap (generated at first start)", hash(secret), Actor.SYSTEM);
        return Optional.of(secret);
    }

    public Token create(TokenKind kind, String name, Actor actor) {
        if (name == null || name.isBlank() || name.length() > 256) {
            throw new PhasegateException.Invalid(new Problem("name", "is required: 1–256 characters saying what the token is for"));
        }
        String secret = newSecret();
        Token token = insert(kind, name, hash(secret), actor);
        return new Token(token.id(), token.kind(), token.name(), token.createdBy(), token.createdAt(), null, secret);
    }

    private Token insert(TokenKind kind, String name, String hash, Actor actor) {
        String id = "tok_" + randomId();
        Instant now = clock.instant();
        db.inTransaction(h -> {
            h.createUpdate("INSERT INTO api_token (token_id, kind, name, token_hash, created_by, created_at) VALUES (:id, :kind, :name, :hash, :by, :at)")
                    .bind("id", id).bind("kind", kind.name()).bind("name", name).bind("hash", hash)
                    .bind("by", actor.display()).bind("at", Timestamp.from(now)).execute();
            audit.record(h, now, actor, new AuditLog.Entry("token.created", null, id, null,
                    Map.of("id", id, "kind", kind.apiName(), "name", name)));
            return null;
        });
        return new Token(id, kind.apiName(), name, actor.display(), now, null, null);
    }

    public List<Token> list() {
        return db.withHandle(h -> h.createQuery("SELECT token_id, kind, name, created_by, created_at, revoked_at FROM api_token ORDER BY created_at, token_id")
                .map((rs, ctx) -> new Token(rs.getString(1), TokenKind.valueOf(rs.getString(2)).apiName(), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant(), rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(), null))
                .list());
    }

    public Token revoke(String id, Actor actor) {
        Instant now = clock.instant();
        Token revoked = db.inTransaction(h -> {
            var row = h.createQuery("SELECT token_id, kind, name, created_by, created_at, revoked_at FROM api_token WHERE token_id = :id FOR UPDATE")
                    .bind("id", id)
                    .map((rs, ctx) -> new Token(rs.getString(1), TokenKind.valueOf(rs.getString(2)).apiName(), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant(), rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(), null))
                    .findOne().orElseThrow(() -> new PhasegateException.NotFound("no token '" + id + "'"));
            if (row.revokedAt() != null) {
                return row;
            }
            h.createUpdate("UPDATE api_token SET revoked_at = :at WHERE token_id = :id").bind("at", Timestamp.from(now)).bind("id", id).execute();
            audit.record(h, now, actor, new AuditLog.Entry("token.revoked", null, id, Map.of("revoked", false), Map.of("revoked", true)));
            return new Token(row.id(), row.kind(), row.name(), row.createdBy(), row.createdAt(), now, null);
        });
        cache.values().removeIf(c -> c.principal().tokenId().equals(id));
        return revoked;
    }

    /** The principal for a presented secret, or empty if it is unknown or revoked. */
    public Optional<Principal> authenticate(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 200) {
            return Optional.empty();
        }
        String hash = hash(secret);
        Instant now = clock.instant();
        Cached cached = cache.get(hash);
        if (cached != null && cached.until().isAfter(now)) {
            return Optional.of(cached.principal());
        }
        Optional<Principal> found = db.withHandle(h -> h.createQuery("SELECT token_id, name, kind FROM api_token WHERE token_hash = :h AND revoked_at IS NULL")
                .bind("h", hash).map((rs, ctx) -> Principal.token(rs.getString(1), rs.getString(2), TokenKind.valueOf(rs.getString(3))))
                .findOne());
        found.ifPresentOrElse(p -> cache.put(hash, new Cached(p, now.plus(CACHE_TTL))), () -> cache.remove(hash));
        return found;
    }

    private String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private String randomId() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
