package dev.phasegate.server.notify;

import dev.phasegate.server.store.Database;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HexFormat;

/**
 * The key of the webhook signature: the configured {@code webhookSecret}, or else a random 256-bit key
 * generated once and kept in the store, so it survives restarts and every node signs alike.
 *
 * <p>Signature: {@code X-Phasegate-Signature: sha256=<hex HMAC-SHA256(key, "<timestamp>.<body>")>}, the key
 * being the UTF-8 bytes of the secret as shown by {@code GET /api/v1/notifications/signing-key}.
 */
public final class SigningKey {

    static final String NAME = "webhook-signing-key";

    private final String secret;
    private final boolean configured;

    private SigningKey(String secret, boolean configured) {
        this.secret = secret;
        this.configured = configured;
    }

    /** The configured secret, or the stored one (generated and stored now if there is none yet). */
    public static SigningKey load(Database db, String configured, Clock clock, SecureRandom random) {
        if (configured != null) {
            return new SigningKey(configured, true);
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String fresh = HexFormat.of().formatHex(bytes);
        String stored = db.inTransaction(h -> {
            h.createUpdate("INSERT INTO node_secret (name, secret, created_at) VALUES (:name, :secret, :at) ON CONFLICT DO NOTHING")
                    .bind("name", NAME).bind("secret", fresh).bind("at", Timestamp.from(clock.instant())).execute();
            return h.createQuery("SELECT secret FROM node_secret WHERE name = :name").bind("name", NAME).mapTo(String.class).one();
        });
        return new SigningKey(stored, false);
    }

    /** The secret receivers verify with. */
    public String secret() {
        return secret;
    }

    /** Whether it came from the settings (else it was generated and stored). */
    public boolean configured() {
        return configured;
    }

    /** {@code sha256=<hex>} of {@code "<timestamp>.<body>"}. */
    /** {@code sha256=<hex>} of {@code "<timestamp>.<body>"}: the X-Phasegate-Signature header's value. */
    public String sign(long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[***]";
    }
}
