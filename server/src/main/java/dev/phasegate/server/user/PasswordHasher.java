package dev.phasegate.server.user;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes as PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}): the
 * parameters and the per-user salt travel with the hash, so stronger parameters later need no migration
 * and old hashes still verify.
 */
final class PasswordHasher {

    /** OWASP Password Storage Cheat Sheet, Argon2id: at least 19 MiB of memory, 2 iterations, 1 lane. */
    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    /** RFC 9106 recommends a 128-bit salt and a 256-bit tag. */
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    /** A stored string asking for more than this is refused rather than computed (1 GiB, RFC 9106's first choice). */
    private static final int MAX_MEMORY_KIB = 1024 * 1024;
    private static final int MAX_ITERATIONS = 20;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SecureRandom random;
    private final int memoryKib;
    private final int iterations;
    /** Verified when the user is unknown, so a wrong name costs the same time as a wrong password. */
    private final String decoy;

    PasswordHasher(SecureRandom random) {
        this(random, MEMORY_KIB, ITERATIONS);
    }

    PasswordHasher(SecureRandom random, int memoryKib, int iterations) {
        this.random = random;
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        byte[] decoyPassword = new byte[24];
        random.nextBytes(decoyPassword);
        this.decoy = hash(B64.encodeToString(decoyPassword));
    }

    String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, memoryKib, iterations, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** Whether {@code password} matches {@code stored}; a malformed stored string matches nothing. */
    boolean verify(String password, String stored) {
        Matcher m = stored == null ? null : PHC.matcher(stored);
        if (m == null || !m.matches()) {
            verify(password, decoy); // the same cost as a real check
            return false;
        }
        int memory = Integer.parseInt(m.group(1));
        int time = Integer.parseInt(m.group(2));
        int lanes = Integer.parseInt(m.group(3));
        if (memory > MAX_MEMORY_KIB || time > MAX_ITERATIONS || time < 1 || lanes < 1 || memory < 8 * lanes) {
            return false;
        }
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(password, salt, memory, time, lanes, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Spends the time of one verification on nothing: for unknown users. */
    void verifyDecoy(String password) {
        verify(password, decoy);
    }

    /** Whether a stored hash uses weaker parameters than this hasher's (for a later rehash on sign-in). */
    boolean outdated(String stored) {
        Matcher m = stored == null ? null : PHC.matcher(stored);
        return m == null || !m.matches() || Integer.parseInt(m.group(1)) < memoryKib || Integer.parseInt(m.group(2)) < iterations;
    }

    private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(lanes)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
