package dev.phasegate.server.testing;

import dev.phasegate.server.config.Settings;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A fresh, empty store for one test class: an H2 file in a temporary directory, or a new schema in the
 * PostgreSQL named by {@code phasegate.postgresUrl}. When PostgreSQL cannot be reached the test is
 * skipped with a message, unless {@code phasegate.requirePostgres=true} (CI), where it fails.
 */
public final class TestStore implements AutoCloseable {

    public static final String ADMIN_TOKEN = "phg_test-admin-token-0123456789abcdef";

    public enum Kind { H2, POSTGRES }

    private final Kind kind;
    private final Settings settings;
    private final Path dir;
    private final String schema;

    private TestStore(Kind kind, Settings settings, Path dir, String schema) {
        this.kind = kind;
        this.settings = settings;
        this.dir = dir;
        this.schema = schema;
    }

    public static TestStore create(Kind kind) {
        return kind == Kind.H2 ? h2() : postgres();
    }

    public static TestStore h2() {
        try {
            Path dir = Files.createTempDirectory("phasegate-test-");
            return new TestStore(Kind.H2, settings(dir, null), dir, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why PostgreSQL tests cannot run here, or empty if they can (or must: then they fail instead). */
    public static java.util.Optional<String> postgresSkipReason() {
        String url = System.getProperty("phasegate.postgresUrl", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        if (Boolean.parseBoolean(System.getProperty("phasegate.requirePostgres", "false"))) {
            return java.util.Optional.empty();
        }
        try (Connection c = DriverManager.getConnection(url)) {
            return java.util.Optional.empty();
        } catch (SQLException e) {
            String skip = "PostgreSQL at " + url + " is not reachable (" + e.getMessage() + "): skipping the PostgreSQL run";
            System.err.println("[phasegate tests] " + skip);
            return java.util.Optional.of(skip);
        }
    }

    public static TestStore postgres() {
        String url = System.getProperty("phasegate.postgresUrl", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        boolean required = Boolean.parseBoolean(System.getProperty("phasegate.requirePostgres", "false"));
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String message = "PostgreSQL at " + url + " is not reachable (" + e.getMessage() + ")";
            if (required) {
                Assertions.fail(message + "; phasegate.requirePostgres=true, so this is a failure, not a skip");
            }
            String skip = message + ": skipping the PostgreSQL run. Set -Dphasegate.postgresUrl=... to run it.";
            System.err.println("[phasegate tests] " + skip);
            Assumptions.abort(skip);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try {
            Path dir = Files.createTempDirectory("phasegate-test-");
            return new TestStore(Kind.POSTGRES, settings(dir, schemaUrl), dir, schema);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Settings settings(Path dir, String dbUrl) {
        return new Settings("127.0.0.1", 0, dir, dbUrl, null, null, Settings.DEFAULT_POOL_SIZE, ADMIN_TOKEN,
                Settings.DEFAULT_MAX_BODY_BYTES);
    }

    public Kind kind() {
        return kind;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        if (schema != null) {
            String url = System.getProperty("phasegate.postgresUrl", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            } catch (SQLException e) {
                // leave it: a later run uses a new schema name
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temporary files; the OS cleans up
        }
    }
}
