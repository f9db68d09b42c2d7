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

    /** The LISTEN/NOTIFY channel of rules changes on PostgreSQL (heard by {@code cluster.RulesFeed}). */
    public static final String RULES_CHANNEL = "phasegate_rules";

    /** Set by {@link #markRulesChanged} inside a transaction; read and cleared after it commits. */
    private static final ThreadLocal<boolean[]> RULES_CHANGED = ThreadLocal.withInitial(() -> new boolean[2]);

    private final java.util.List<java.util.function.Consumer<Boolean>> rulesListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean embedded;

    private Database(HikariDataSource dataSource, boolean embedded) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        // Exception messages without bound values: they can hold emails, attributes and token hashes.
        jdbi.getConfig(org.jdbi.v3.core.statement.StatementExceptions.class)
                .setMessageRendering(org.jdbi.v3.core.statement.StatementExceptions.MessageRendering.NONE);
        this.embedded = embedded;
    }

    /**
     * Opens the pool and migrates the schema to the newest version. The embedded store refuses a second
     * process on its file, with a message saying so.
     */
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
        if (url.startsWith("jdbc:postgresql:")) {
            // A prepared statement's cached generic plan is chosen from the statistics of the moment: planned
            // while the enrollment table was empty (or before autovacuum analyzed it), the batch lookup by
            // user_id stays a sequential scan and admissions slow down as the table grows (measured: 3.4 ms
            // vs 0.03 ms at 40,000 rows). Custom plans cost microseconds of planning and always use the index.
            config.setConnectionInitSql("SET plan_cache_mode = force_custom_plan");
        }
        // Fail the start quickly with the database's own message instead of hanging.
        config.setInitializationFailTimeout(10_000);
        config.setConnectionTimeout(30_000);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            if (embedded && settings.dbUrl() == null && rootMessage(e).contains(IN_USE)) {
                throw new IllegalStateException(inUse(embeddedFile(settings)), e);
            }
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
        markRulesChanged(h, false);
    }

    /**
     * As {@link #markRulesChanged(Handle)}; {@code urgent} for changes that take features away (kill switch,
     * pause, rollback), which are published at once even while a flood of enrollments spaces out rebuilds.
     */
    public void markRulesChanged(Handle h, boolean urgent) {
        h.createUpdate("UPDATE rules_version SET version = version + 1 WHERE id = 1").execute();
        if (!embedded) {
            // Every other node hears of it (on commit; never if this rolls back) and rebuilds its rules: the
            // payload names the schema, as nodes of other schemas share the database's channels.
            h.createQuery("SELECT pg_notify('" + RULES_CHANNEL + "', current_schema() || ':' || CAST(version AS VARCHAR)) "
                    + "FROM rules_version WHERE id = 1").mapToMap().list();
        }
        boolean[] changed = RULES_CHANGED.get();
        changed[0] = true;
        changed[1] |= urgent;
    }

    /** The rules version as committed now. */
    public long rulesVersion(Handle h) {
        return h.createQuery("SELECT version FROM rules_version WHERE id = 1").mapTo(Long.class).one();
    }

    /**
     * Calls {@code listener} after each commit that changed gating rules, with whether the change was urgent
     * (on the committing thread; keep it quick).
     */
    public void onRulesChanged(java.util.function.Consumer<Boolean> listener) {
        rulesListeners.add(listener);
    }

    /** Runs {@code callback} in a transaction, retrying transient conflicts. */
    public <R> R inTransaction(HandleCallback<R, RuntimeException> callback) {
        for (int attempt = 1; ; attempt++) {
            boolean[] changed = RULES_CHANGED.get();
            changed[0] = false;
            changed[1] = false;
            try {
                R result = jdbi.inTransaction(callback);
                if (changed[0]) {
                    boolean urgent = changed[1];
                    changed[0] = false;
                    changed[1] = false;
                    for (java.util.function.Consumer<Boolean> listener : rulesListeners) {
                        try {
                            listener.accept(urgent);
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
                if (sqlCause(e) instanceof java.sql.SQLTransientConnectionException) {
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
        if (sql instanceof java.sql.SQLTransientConnectionException) {
            // The pool had no connection in time: overload, not a bad request.
            return new PhasegateException.Unavailable("the store is busy; try again", e);
        }
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        // 08xxx: connection exceptions; 57P01-03: the server shutting down or starting (a restart). The store
        // is down or unreachable, not the request at fault (PostgresRestartTest saw 57P01 answered as 500).
        if (state.startsWith("08") || state.startsWith("57P")) {
            return new PhasegateException.Unavailable("the store is unreachable (SQLState " + state + ")", e);
        }
        // 22xxx: data exceptions (a value the store cannot hold). Input validation should catch these first;
        // this keeps any it misses a 4xx. The driver's message is not echoed: it may quote the value.
        if (state.startsWith("22")) {
            return new PhasegateException.Invalid(new dev.phasegate.core.plan.Problem("", "a value was refused by the store (SQLState "
                    + state + "); check text fields for unusual characters or lengths"));
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
        // H2 2.x says "The file is locked: <file> [2.5.252/7]" (MVStore's ERROR_FILE_LOCKED); older ones "Database may be already in use".
        if (message.contains("The file is locked") || message.contains("Database may be already in use")) {
            return IN_USE + " (the H2 file is locked); the embedded store is single-node, use PostgreSQL for several nodes";
        }
        return redact(message);
    }

    private static final String IN_USE = "another Phasegate node is using";

    /** The refusal of a second node on the embedded store's file (H2 locks the file for one process). */
    static String inUse(Path file) {
        return IN_USE + " " + file + "; the embedded store is single-node, use PostgreSQL for several nodes";
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
