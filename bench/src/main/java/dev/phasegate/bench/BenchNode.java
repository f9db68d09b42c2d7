package dev.phasegate.bench;

import dev.phasegate.server.Phasegate;
import dev.phasegate.server.config.Settings;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A Phasegate node started in this JVM on a store of its own, and everything it leaves behind: a temporary
 * data directory (H2) or a scratch schema (PostgreSQL), both removed on close, also when the JVM is
 * interrupted (Ctrl-C) mid-run.
 */
final class BenchNode implements AutoCloseable {

    private final Phasegate node;
    private final String adminToken;
    private final Path dataDir;
    private final String postgresUrl;
    private final String schema;
    private final String storeDescription;
    private final Thread cleanupOnExit;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BenchNode(Phasegate node, String adminToken, Path dataDir, String postgresUrl, String schema, String storeDescription) {
        this.node = node;
        this.adminToken = adminToken;
        this.dataDir = dataDir;
        this.postgresUrl = postgresUrl;
        this.schema = schema;
        this.storeDescription = storeDescription;
        this.cleanupOnExit = new Thread(this::cleanUp, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    /** Starts a node on a fresh embedded H2 file store (under java.io.tmpdir, which is on disk here, not tmpfs). */
    static BenchNode onH2(PrintStream console) {
        Path dir = temporaryDirectory();
        String token = newToken();
        try {
            Phasegate node = Phasegate.start(settings(dir, null, token), Clock.systemUTC(), console);
            return new BenchNode(node, token, dir, null, null, "embedded H2 file in " + dir);
        } catch (RuntimeException e) {
            deleteRecursively(dir);
            throw e;
        }
    }

    /** Creates a scratch schema in the database at {@code baseUrl} and starts a node on it. */
    static BenchNode onPostgres(String baseUrl, PrintStream console) {
        byte[] suffix = new byte[4];
        new SecureRandom().nextBytes(suffix);
        String schema = "bench_" + HexFormat.of().formatHex(suffix);
        String description;
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            description = describePostgres(s);
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a scratch schema at " + baseUrl + ": " + e.getMessage(), e);
        }
        Path dir = temporaryDirectory();
        String token = newToken();
        String url = baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try {
            Phasegate node = Phasegate.start(settings(dir, url, token), Clock.systemUTC(), console);
            return new BenchNode(node, token, dir, baseUrl, schema, description + ", schema " + schema);
        } catch (RuntimeException e) {
            dropSchema(baseUrl, schema);
            deleteRecursively(dir);
            throw e;
        }
    }

    int port() {
        return node.port();
    }

    /** The node itself, for checks of its state after a run. */
    dev.phasegate.server.Phasegate phasegate() {
        return node;
    }

    String adminToken() {
        return adminToken;
    }

    /** The store in a few words, with the settings that decide the cost of a commit and the planner's statistics. */
    String storeDescription() {
        return storeDescription;
    }

    /**
     * Gives the planner statistics for the scratch schema, as a database older than a minute has them when
     * autovacuum is on. Without them PostgreSQL keeps the generic plan it cached for the server's prepared
     * statements while the tables were empty (a sequential scan), and each admission's lookup by user id
     * grows with the table. Answers what was done, for the output; H2 is left to itself.
     */
    String analyze() {
        if (schema == null) {
            return "left to H2";
        }
        List<String> tables = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(postgresUrl); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = '" + schema + "' ORDER BY tablename")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                s.execute("ANALYZE " + schema + "." + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot analyze scratch schema " + schema + ": " + e.getMessage(), e);
        }
        return "ANALYZE of " + tables.size() + " tables";
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // The hook is running or has run; nothing is left to do.
        }
    }

    private void cleanUp() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            node.close();
        } finally {
            if (schema != null) {
                dropSchema(postgresUrl, schema);
            }
            deleteRecursively(dataDir);
        }
    }

    private static Settings settings(Path dataDir, String dbUrl, String adminToken) {
        // Benchmarks measure the node, not its per-token limits: one token here sends over 1,000 batches a second.
        dev.phasegate.server.limit.RateLimit open = new dev.phasegate.server.limit.RateLimit(100_000_000, 100_000_000);
        return new Settings("127.0.0.1", 0, dataDir, dbUrl, null, null, Settings.DEFAULT_POOL_SIZE, adminToken,
                Settings.DEFAULT_MAX_BODY_BYTES).withLimits(new dev.phasegate.server.config.Limits(open, open,
                dev.phasegate.server.config.Limits.DEFAULT_SIGN_IN_PER_NAME, dev.phasegate.server.config.Limits.DEFAULT_SIGN_IN_PER_ADDRESS));
    }

    private static String describePostgres(Statement s) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version'), current_setting('fsync'), "
                + "current_setting('synchronous_commit'), current_setting('wal_sync_method'), current_setting('autovacuum')")) {
            rs.next();
            sb.append("PostgreSQL ").append(rs.getString(1)).append(" (fsync=").append(rs.getString(2))
                    .append(", synchronous_commit=").append(rs.getString(3)).append(", wal_sync_method=").append(rs.getString(4))
                    .append(", autovacuum=").append(rs.getString(5)).append(')');
        }
        return sb.toString();
    }

    private static void dropSchema(String baseUrl, String schema) {
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("bench: could not drop scratch schema " + schema + " (drop it by hand): " + e.getMessage());
        }
    }

    /** 32 random bytes, base64url: well over the 22 characters the server asks of an admin token. */
    private static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("phasegate-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
