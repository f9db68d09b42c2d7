package dev.phasegate.server.cluster;

import dev.phasegate.server.config.Settings;
import dev.phasegate.server.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Which node leads, and the leader-only {@link Role}s it runs. On PostgreSQL a node leads while it holds an
 * advisory lock on a connection of its own (not from the pool: the pool would hand the session, and so the
 * lock, to anyone). Followers try for the lock every second; the leader checks the connection every second
 * and steps down at once when it fails, stopping its roles, then rejoins as a follower. Taking the lead
 * bumps the epoch in {@code cluster_leader}: the {@link #fence()} of every leader-only write. PostgreSQL frees
 * the lock when the session ends (a killed process's socket closes; a cut connection is noticed by its
 * keepalive), so another node takes over within about two seconds of that.
 *
 * <p>On the embedded store there is one node, and it always leads with epoch 1.
 *
 * <pre>{@code
 * Leadership leadership = new Leadership(db, settings, nodeId, () -> "10.0.0.5:8080", clock);
 * executor = new RunbookExecutor(..., leadership.fence());
 * leadership.start(List.of(Leadership.Role.of("runbook executor", executor::start, executor::close)));
 * }</pre>
 */
public final class Leadership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    /** The advisory lock's first key ("PGLD"); the second is the schema's hash, so schemas lead apart. */
    static final int LOCK_CLASS = 0x50474C44;
    /** Lock attempts and liveness checks: a second each, so a dead leader is replaced within ~2 s of PostgreSQL noticing. */
    static final Duration TRY_EVERY = Duration.ofSeconds(1);
    /**
     * After stepping down a node waits this long before trying again, so a follower (which tries every
     * second) takes over rather than the node whose connection just failed.
     */
    static final Duration REJOIN_AFTER = Duration.ofSeconds(3);
    static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(2);
    /** A node unseen for this long is shown as gone: five missed heartbeats. */
    public static final Duration ALIVE_WITHIN = Duration.ofSeconds(10);
    /** Rows of nodes gone for this long are removed: the cluster view lists recent nodes only. */
    static final Duration FORGET_AFTER = Duration.ofHours(1);
    /**
     * The lock connection's socket timeout, seconds: a liveness check that hangs (a network cut without a
     * reset) fails after this, and the node steps down; below the 10 s takeover bound.
     */
    static final int SOCKET_TIMEOUT_SECONDS = 5;

    /** A leader-only component: started when this node takes the lead, stopped when it loses it. */
    public interface Role {
        String name();

        void start();

        void stop();

        static Role of(String name, Runnable start, Runnable stop) {
            return new Role() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public void start() {
                    start.run();
                }

                @Override
                public void stop() {
                    stop.run();
                }
            };
        }
    }

    private final Database db;
    private final Settings settings;
    private final String nodeId;
    private final Supplier<String> address;
    private final Clock clock;
    private volatile List<Role> roles = List.of();
    private final Instant startedAt;
    private final AtomicLong failures = new AtomicLong();
    private final ScheduledExecutorService lockThread;
    private final ScheduledExecutorService heartbeatThread;
    /** Only touched under this object's lock (the lock thread, start and close). */
    private Connection lockConnection;
    /** System.nanoTime() before which this node does not try for the lead (after stepping down). */
    private long notBeforeNanos = System.nanoTime();
    /** The epoch this node leads with; 0 while it does not lead. */
    private volatile long epoch;

    public Leadership(Database db, Settings settings, String nodeId, Supplier<String> address, Clock clock) {
        this.db = db;
        this.settings = settings;
        this.nodeId = nodeId;
        this.address = address;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.lockThread = daemon("phasegate-leadership");
        this.heartbeatThread = daemon("phasegate-heartbeat");
    }

    /**
     * Takes the lead if it can now (always on the embedded store; on PostgreSQL when no other node holds
     * it), starting the roles before returning; then keeps trying, and beating, in the background.
     */
    public Leadership start(List<Role> leaderOnly) {
        this.roles = List.copyOf(leaderOnly);
        heartbeat();
        if (db.embedded()) {
            synchronized (this) {
                db.inTransaction(h -> h.createUpdate("UPDATE cluster_leader SET epoch = 1, node_id = :node, since = :since WHERE id = 1")
                        .bind("node", nodeId).bind("since", Timestamp.from(clock.instant())).execute());
                epoch = 1;
                startRoles();
            }
        } else {
            tick();
            lockThread.scheduleWithFixedDelay(this::tick, TRY_EVERY.toMillis(), TRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
        heartbeat();
        heartbeatThread.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_EVERY.toMillis(), HEARTBEAT_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** This node's id (also its telemetry rollups' and heartbeat's). */
    public String nodeId() {
        return nodeId;
    }

    /** Whether this node leads now. */
    public boolean leading() {
        return epoch != 0;
    }

    /** The epoch this node leads with, or 0 when it does not lead. */
    public long epoch() {
        return epoch;
    }

    /** Lock attempts, liveness checks and heartbeats that failed (each logged). */
    public long failures() {
        return failures.get();
    }

    /**
     * The check of every leader-only write: refuses the write (rolling its transaction back) unless this node
     * leads with the current epoch, and holds the leader row shared until the transaction ends, so a new
     * leader's epoch is taken either before (the write is refused) or after it commits (the new leader sees it).
     */
    public Fence fence() {
        String lock = db.embedded() ? " FOR UPDATE" : " FOR SHARE";
        return h -> {
            long mine = epoch;
            if (mine == 0) {
                throw new Fence.Deposed("deposed leader: node " + nodeId + " does not lead now");
            }
            long current = h.createQuery("SELECT epoch FROM cluster_leader WHERE id = 1" + lock).mapTo(Long.class).one();
            if (current != mine) {
                throw new Fence.Deposed("deposed leader: epoch " + mine + " is no longer current (now " + current + ")");
            }
            return mine;
        };
    }

    /** One lock attempt, or one liveness check while leading. Never throws. */
    synchronized void tick() {
        if (System.nanoTime() - notBeforeNanos < 0) {
            return;
        }
        try {
            if (lockConnection == null) {
                lockConnection = connect();
            }
            if (epoch == 0) {
                if (tryLock(lockConnection)) {
                    becomeLeader(lockConnection);
                }
            } else {
                try (Statement s = lockConnection.createStatement()) {
                    s.setQueryTimeout(SOCKET_TIMEOUT_SECONDS);
                    s.executeQuery("SELECT 1").close();
                }
            }
        } catch (SQLException | RuntimeException e) {
            failures.incrementAndGet();
            if (epoch != 0) {
                log.warn("node {} lost its leadership connection to PostgreSQL ({}): stepping down", nodeId, e.getMessage());
                stepDown();
                notBeforeNanos = System.nanoTime() + REJOIN_AFTER.toNanos();
            } else {
                log.warn("node {} could not try for the lead ({}); trying again in {} s", nodeId, e.getMessage(), TRY_EVERY.toSeconds());
            }
            closeLockConnection();
        }
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        if (settings.dbUser() != null) {
            props.setProperty("user", settings.dbUser());
        }
        if (settings.dbPassword() != null) {
            props.setProperty("password", settings.dbPassword());
        }
        // Named, so operators (and the fault tests) can find it in pg_stat_activity.
        props.setProperty("ApplicationName", "phasegate-leader-" + nodeId);
        props.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        props.setProperty("connectTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        props.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(settings.jdbcUrl(), props);
        c.setAutoCommit(true);
        return c;
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(current_schema()))")) {
            s.setInt(1, LOCK_CLASS);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Bumps the epoch on the lock's own connection (so only the lock holder can), then starts the roles. */
    private void becomeLeader(Connection c) throws SQLException {
        long next;
        Instant now = clock.instant();
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE cluster_leader SET epoch = epoch + 1, node_id = ?, since = ? WHERE id = 1 RETURNING epoch")) {
            s.setString(1, nodeId);
            s.setTimestamp(2, Timestamp.from(now));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                next = rs.getLong(1);
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        epoch = next;
        log.info("node {} leads (epoch {})", nodeId, next);
        startRoles();
        heartbeat();
    }

    private void startRoles() {
        for (Role role : roles) {
            try {
                role.start();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                log.error("node {} leads but could not start {}; it stays stopped until the next lead", nodeId, role.name(), e);
            }
        }
    }

    /** Refuses leader-only writes at once (epoch 0), then stops the roles, last started first. */
    private void stepDown() {
        if (epoch == 0) {
            return;
        }
        long was = epoch;
        epoch = 0;
        List<Role> reversed = new ArrayList<>(roles);
        java.util.Collections.reverse(reversed);
        for (Role role : reversed) {
            try {
                role.stop();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                log.warn("node {} stepping down: stopping {} failed", nodeId, role.name(), e);
            }
        }
        log.info("node {} stepped down (it led with epoch {})", nodeId, was);
    }

    private void closeLockConnection() {
        if (lockConnection != null) {
            try {
                lockConnection.close();
            } catch (SQLException e) {
                // already broken: closing is all that was asked
            }
            lockConnection = null;
        }
    }

    /** Writes this node's row: alive, its address, whether it leads. Never throws. */
    void heartbeat() {
        try {
            Instant now = clock.instant();
            boolean leads = leading();
            db.inTransaction(h -> {
                int updated = h.createUpdate("UPDATE cluster_node SET last_seen = :now, address = :address, leader = :leader "
                                + "WHERE node_id = :node")
                        .bind("now", Timestamp.from(now)).bind("address", address.get()).bind("leader", leads).bind("node", nodeId)
                        .execute();
                if (updated == 0) {
                    h.createUpdate("INSERT INTO cluster_node (node_id, address, started_at, last_seen, leader) "
                                    + "VALUES (:node, :address, :started, :now, :leader)")
                            .bind("node", nodeId).bind("address", address.get()).bind("started", Timestamp.from(startedAt))
                            .bind("now", Timestamp.from(now)).bind("leader", leads).execute();
                }
                h.createUpdate("DELETE FROM cluster_node WHERE last_seen < :before")
                        .bind("before", Timestamp.from(now.minus(FORGET_AFTER))).execute();
                return null;
            });
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.warn("node {} could not write its heartbeat: {}", nodeId, e.getMessage());
        }
    }

    /** The nodes, the leader and its epoch, as stored now. */
    public ClusterView view() {
        Instant now = clock.instant();
        return db.withHandle(h -> {
            var leader = h.createQuery("SELECT epoch, node_id, since FROM cluster_leader WHERE id = 1")
                    .map((rs, ctx) -> new Object[]{rs.getLong(1), rs.getString(2), rs.getTimestamp(3)}).one();
            List<ClusterView.Node> nodes = h.createQuery(
                            "SELECT node_id, address, started_at, last_seen, leader FROM cluster_node ORDER BY started_at, node_id")
                    .map((rs, ctx) -> {
                        Instant seen = rs.getTimestamp(4).toInstant();
                        return new ClusterView.Node(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), seen,
                                !seen.isBefore(now.minus(ALIVE_WITHIN)), rs.getBoolean(5));
                    }).list();
            Timestamp since = (Timestamp) leader[2];
            return new ClusterView(nodeId, leading(), (String) leader[1], (Long) leader[0], since == null ? null : since.toInstant(),
                    db.embedded() ? "embedded" : "postgresql", nodes);
        });
    }

    /** Steps down (stopping the roles), frees the lock and removes this node's row. */
    @Override
    public void close() {
        heartbeatThread.shutdownNow();
        lockThread.shutdownNow();
        try {
            lockThread.awaitTermination(10, TimeUnit.SECONDS);
            heartbeatThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            stepDown();
            closeLockConnection();
        }
        try {
            db.inTransaction(h -> h.createUpdate("DELETE FROM cluster_node WHERE node_id = :node").bind("node", nodeId).execute());
        } catch (RuntimeException e) {
            log.debug("node {} could not remove its heartbeat row at close: {}", nodeId, e.getMessage());
        }
    }

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
