package dev.phasegate.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.config.Settings;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The connection pool, migrations and transactions. A transaction that fails for a reason a concurrent
 * writer can cause (serialization failure, deadlock, lock timeout) is retried with a short randomized
 * backoff, so callers see either success or a real error, never a lock error.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** Attempts before a transient failure is given up as unavailability. */
    static final int MAX_ATTEMPTS = 8;

    /**
     * SQLSTATEs worth another try: serialization failure, deadlock (PostgreSQL), lock timeout (H2 HYT00,
     * PostgreSQL 55P03), and unique violation (23505): every insert is preceded by a read under the
     * rollout's lock, so a duplicate key means another node inserted first, and a retry reads its row.
     */
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "HYT00", "55P03", "23505");
    /** H2 error codes worth another try: lock timeout, deadlock, concurrent update. */
    private static final Set<Integer> TRANSIENT_H2_CODES = Set.of(50200, 40001, 90131);

    /** Set by {@link #markRulesChanged} inside a transaction; read and cleared after it commits. */
    private static final ThreadLocal<boolean[]> RULES_CHANGED = ThreadLocal.withInitial(() -> new boolean[1]);

    private final java.util.List<Runnable> rulesListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean embedded;

    private Database(HikariDataSource dataSource, boolean embedded) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.embedded = embedded;
    }

    /** Opens the pool and migrates the schema to the newest version. */
    public static Database open(Settings settings) {
        String url = settings.jdbcUrl();
        boolean embedded = settings.embedded();
        if (embedded && settings.dbUrl() == null) {
            try {
                Files.createDirectories(settings.dataDir());
            } catch (Exception e) {
                throw new IllegalStateException("cannot create data directory " + settings.dataDir().toAbsolutePath() + ": " + e.getMessage(), e);
            }
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(settings.dbUser());
        config.setPassword(settings.dbPassword());
        config.setMaximumPoolSize(settings.dbPoolSize());
        config.setPoolName("phasegate");
        config.setAutoCommit(true);
        // Fail the start quickly with the database's own message instead of hanging.
        config.setInitializationFailTimeout(10_000);
        config.setConnectionTimeout(30_000);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the store at " + redact(url) + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new IllegalStateException("cannot migrate the store at " + redact(url) + ": " + rootMessage(e), e);
        }
        log.info("store ready: {}", redact(url));
        return new Database(ds, embedded);
    }

    public boolean embedded() {
        return embedded;
    }

    /**
     * Records, inside the current transaction, that gating rules change: bumps the rules version, and
     * once the transaction commits tells every {@link #onRulesChanged} listener.
     */
    public void markRulesChanged(Handle h) {
        h.createUpdate("UPDATE rules_version SET version = version + 1 WHERE id = 1").execute();
        RULES_CHANGED.get()[0] = true;
    }

    /** The rules version as committed now. */
    public long rulesVersion(Handle h) {
        return h.createQuery("SELECT version FROM rules_version WHERE id = 1").mapTo(Long.class).one();
    }

    /** Calls {@code listener} after each commit that changed gating rules (on the committing thread; keep it quick). */
    public void onRulesChanged(Runnable listener) {
        rulesListeners.add(listener);
    }

    /** Runs {@code callback} in a transaction, retrying transient conflicts. */
    public <R> R inTransaction(HandleCallback<R, RuntimeException> callback) {
        for (int attempt = 1; ; attempt++) {
            boolean[] changed = RULES_CHANGED.get();
            changed[0] = false;
            try {
                R result = jdbi.inTransaction(callback);
                if (changed[0]) {
                    changed[0] = false;
                    for (Runnable listener : rulesListeners) {
                        try {
                            listener.run();
                        } catch (RuntimeException e) {
                            log.warn("a rules-change listener failed", e);
                        }
                    }
                }
                return result;
            } catch (JdbiException e) {
                changed[0] = false;
                if (!isTransient(e)) {
                    throw unavailableOrRethrow(e);
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new PhasegateException.Unavailable("the store stayed busy after " + attempt + " attempts; try again", e);
                }
                backoff(attempt);
            }
        }
    }

    /** Runs {@code callback} outside an explicit transaction (single statements, reads). */
    public <R> R withHandle(HandleCallback<R, RuntimeException> callback) {
        try {
            return jdbi.withHandle(callback);
        } catch (JdbiException e) {
            throw unavailableOrRethrow(e);
        }
    }

    /** Whether the store answers a trivial query now. */
    public boolean ping() {
        try (Handle h = jdbi.open()) {
            return h.createQuery("SELECT 1").mapTo(Integer.class).one() == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static RuntimeException unavailableOrRethrow(JdbiException e) {
        SQLException sql = sqlCause(e);
        // 08xxx: connection exceptions; the store is down or unreachable, not the request at fault.
        if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
            return new PhasegateException.Unavailable("the store is unreachable: " + sql.getMessage(), e);
        }
        return e;
    }

    static boolean isTransient(Throwable e) {
        SQLException sql = sqlCause(e);
        if (sql == null) {
            return false;
        }
        for (Throwable t = sql; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                if (s.getSQLState() != null && TRANSIENT_STATES.contains(s.getSQLState())) {
                    return true;
                }
                if (s.getClass().getName().startsWith("org.h2.") && TRANSIENT_H2_CODES.contains(s.getErrorCode())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    private static void backoff(int attempt) {
        long maxMillis = Math.min(200, 5L << attempt);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, maxMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PhasegateException.Unavailable("interrupted while retrying a store transaction", e);
        }
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (message.contains("Database may be already in use")) {
            return "another Phasegate process already uses this embedded store (the H2 file is locked). "
                    + "The embedded store serves one node; stop the other process, or use PostgreSQL for several nodes.";
        }
        return redact(message);
    }

    /** The data directory of the embedded store, for messages. */
    public static Path embeddedFile(Settings settings) {
        return settings.dataDir().toAbsolutePath().resolve("phasegate.mv.db");
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
