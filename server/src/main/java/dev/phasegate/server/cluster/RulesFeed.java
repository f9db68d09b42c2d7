package dev.phasegate.server.cluster;

import dev.phasegate.server.config.Settings;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Hears every node's rules changes on PostgreSQL: LISTENs on {@link #CHANNEL} on a connection of its own and
 * hands each committed rules version of this node's schema to {@code onVersion}. When the connection fails it
 * reconnects a second later; while it is down {@link #connected()} is false, and the rules cache polls the
 * version row instead.
 */
public final class RulesFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RulesFeed.class);
    /** The channel {@code Database.markRulesChanged} notifies; the payload is {@code <schema>:<version>}. */
    public static final String CHANNEL = dev.phasegate.server.store.Database.RULES_CHANNEL;
    /** How long one wait for notifications lasts: also how soon a closed feed notices. */
    private static final int WAIT_MILLIS = 500;
    private static final Duration RECONNECT_AFTER = Duration.ofSeconds(1);

    private final Settings settings;
    private final String nodeId;
    private final LongConsumer onVersion;
    private final Thread thread;
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean connected;
    private volatile boolean closed;

    private RulesFeed(Settings settings, String nodeId, LongConsumer onVersion) {
        this.settings = settings;
        this.nodeId = nodeId;
        this.onVersion = onVersion;
        this.thread = new Thread(this::loop, "phasegate-rules-feed");
        this.thread.setDaemon(true);
    }

    /** Starts listening on a thread of its own. */
    public static RulesFeed start(Settings settings, String nodeId, LongConsumer onVersion) {
        RulesFeed feed = new RulesFeed(settings, nodeId, onVersion);
        feed.thread.start();
        return feed;
    }

    /** Whether LISTEN is connected now (else the rules cache polls). */
    public boolean connected() {
        return connected;
    }

    public long failures() {
        return failures.get();
    }

    private void loop() {
        while (!closed) {
            try (Connection c = connect()) {
                String schema;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                    try (ResultSet rs = s.executeQuery("SELECT current_schema()")) {
                        rs.next();
                        schema = rs.getString(1);
                    }
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                connected = true;
                while (!closed) {
                    PGNotification[] notes = pg.getNotifications(WAIT_MILLIS);
                    if (notes == null) {
                        // getNotifications answers null, not an error, on a connection that died: check it.
                        if (!c.isValid(2)) {
                            throw new SQLException("the LISTEN connection is no longer valid");
                        }
                        continue;
                    }
                    long newest = -1;
                    for (PGNotification n : notes) {
                        String payload = n.getParameter();
                        int colon = payload.lastIndexOf(':');
                        if (colon > 0 && payload.substring(0, colon).equals(schema)) {
                            newest = Math.max(newest, Long.parseLong(payload.substring(colon + 1)));
                        }
                    }
                    if (newest >= 0) {
                        onVersion.accept(newest);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                connected = false;
                if (closed) {
                    return;
                }
                failures.incrementAndGet();
                log.warn("node {}: listening for rules changes failed ({}); polling until it reconnects", nodeId, e.getMessage());
                try {
                    Thread.sleep(RECONNECT_AFTER.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
        connected = false;
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        if (settings.dbUser() != null) {
            props.setProperty("user", settings.dbUser());
        }
        if (settings.dbPassword() != null) {
            props.setProperty("password", settings.dbPassword());
        }
        props.setProperty("ApplicationName", "phasegate-listen-" + nodeId);
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(settings.jdbcUrl(), props);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
