package dev.phasegate.server.config;

import java.nio.file.Path;

/**
 * Everything the server needs to start, validated. Build with {@link SettingsLoader}.
 *
 * @param host         address to bind
 * @param port         HTTP port; 0 picks a free one (tests)
 * @param dataDir      where the embedded store keeps its files
 * @param dbUrl        a JDBC URL; null means the embedded H2 file store under {@code dataDir}
 * @param dbUser       user for {@code dbUrl}, or null
 * @param dbPassword   password for {@code dbUrl}, or null
 * @param dbPoolSize   connections in the pool
 * @param adminToken   the first admin token, or null to generate and print one at first start
 * @param maxBodyBytes the largest request body accepted; larger ones get 413
 * @param limits       request rate limits (ingest, evaluation, sign-in)
 */
public record Settings(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                       int dbPoolSize, String adminToken, long maxBodyBytes, Monitoring monitoring,
                       Notifications notifications, Limits limits) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_DATA_DIR = "data";
    /** Two cores here; PostgreSQL's guidance is about (2 × cores) + spindles, so 10 leaves headroom. */
    public static final int DEFAULT_POOL_SIZE = 10;
    /** A 10,000-user enrollment batch with emails and a few attributes is about 2 MiB; 8 MiB leaves room. */
    public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;

    /** The JDBC URL actually used: {@code dbUrl}, or the embedded H2 file under {@code dataDir}. */
    public String jdbcUrl() {
        if (dbUrl != null) {
            return dbUrl;
        }
        // PostgreSQL mode so one set of migrations serves both stores; LOCK_TIMEOUT well above any
        // admission transaction, so waiting for the rollout's row lock never surfaces as an error;
        // WRITE_DELAY=0 so a commit reaches the file before it is acknowledged (H2's default buffers
        // commits for 500 ms, and a killed process lost them: RunbookCrashTest caught it); DB_CLOSE_ON_EXIT=FALSE
        // because Phasegate closes the store itself, after its loops stop (H2's own hook closed it under them).
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("phasegate")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=30000;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    public boolean embedded() {
        return jdbcUrl().startsWith("jdbc:h2:");
    }

    /** Never the admin token or the database password. */
    @Override
    public String toString() {
        return "Settings[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", dbUrl="
                + (dbUrl == null ? null : dbUrl.replaceAll("(?i)(password=)[^&;]*", "$1***")) + ", dbUser=" + dbUser
                + ", dbPoolSize=" + dbPoolSize + ", adminToken=" + (adminToken == null ? null : "***")
                + ", maxBodyBytes=" + maxBodyBytes + ", monitoring=" + monitoring
                + ", notifications=" + notifications + ", limits=" + limits + "]";
    }

    /** Settings with the default {@link Limits}. */
    public Settings(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                    int dbPoolSize, String adminToken, long maxBodyBytes, Monitoring monitoring, Notifications notifications) {
        this(host, port, dataDir, dbUrl, dbUser, dbPassword, dbPoolSize, adminToken, maxBodyBytes, monitoring, notifications,
                Limits.DEFAULTS);
    }

    /** Settings with the default {@link Monitoring}. */
    public Settings(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                    int dbPoolSize, String adminToken, long maxBodyBytes) {
        this(host, port, dataDir, dbUrl, dbUser, dbPassword, dbPoolSize, adminToken, maxBodyBytes, Monitoring.DEFAULTS,
                Notifications.DEFAULTS);
    }

    /** A copy with another port. */
    public Settings withPort(int newPort) {
        return new Settings(host, newPort, dataDir, dbUrl, dbUser, dbPassword, dbPoolSize, adminToken, maxBodyBytes,
                monitoring, notifications, limits);
    }

    /** A copy with other monitoring settings. */
    public Settings withMonitoring(Monitoring newMonitoring) {
        return new Settings(host, port, dataDir, dbUrl, dbUser, dbPassword, dbPoolSize, adminToken, maxBodyBytes,
                newMonitoring, notifications, limits);
    }

    /** A copy with other notification settings. */
    public Settings withNotifications(Notifications newNotifications) {
        return new Settings(host, port, dataDir, dbUrl, dbUser, dbPassword, dbPoolSize, adminToken, maxBodyBytes,
                monitoring, newNotifications, limits);
    }

    /** A copy with other request limits. */
    public Settings withLimits(Limits newLimits) {
        return new Settings(host, port, dataDir, dbUrl, dbUser, dbPassword, dbPoolSize, adminToken, maxBodyBytes,
                monitoring, notifications, newLimits);
    }
}
