package dev.phasegate.server.host;

import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.config.Settings;
import dev.phasegate.server.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the host every {@code hostSampleInterval}: keeps the last {@code memoryWindow} in memory (the
 * {@link HostView} guards read), stores each sample, and purges stored samples older than {@code retention}.
 * One owner of the in-memory window: this class; readers get copies.
 *
 * <pre>{@code
 * HostSampler host = HostSampler.start(settings, db, Clock.systemUTC(), NodeId.random());
 * host.latest().ifPresent(s -> log.info("cpu {}%", s.systemCpuPercent()));
 * host.close();
 * }</pre>
 */
public final class HostSampler implements HostView, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HostSampler.class);

    /** Purging is one indexed DELETE; once a minute keeps the table within a minute of the retention. */
    static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final HostProbe probe;
    private final Database db;
    private final HostSampleStore store = new HostSampleStore();
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Monitoring monitoring;
    private final String nodeId;
    private final ArrayDeque<HostSample> window = new ArrayDeque<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private HostReading previous;
    private Instant nextPurge = Instant.MIN;
    private ScheduledFuture<?> task;

    HostSampler(HostProbe probe, Database db, Clock clock, ScheduledExecutorService scheduler, boolean ownsScheduler,
                Monitoring monitoring, String nodeId) {
        this.probe = probe;
        this.db = db;
        this.clock = clock;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.monitoring = monitoring;
        this.nodeId = nodeId;
    }

    /**
     * Starts sampling the machine for a node: the filesystem measured is the one holding the data directory
     * with the embedded store, the working directory with PostgreSQL.
     */
    public static HostSampler start(Settings settings, Database db, Clock clock, String nodeId) {
        Path disk = settings.embedded() ? settings.dataDir() : Path.of("");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phasegate-host-sampler");
            t.setDaemon(true);
            return t;
        });
        HostSampler sampler = new HostSampler(new OshiProbe(disk), db, clock, scheduler, true, settings.monitoring(), nodeId);
        sampler.start();
        return sampler;
    }

    /** Takes the baseline reading and schedules {@link #tick()}; the first sample comes one interval later. */
    synchronized void start() {
        try {
            previous = probe.read(clock.instant());
        } catch (RuntimeException | LinkageError e) {
            failures.incrementAndGet();
            log.warn("host sampler: the baseline reading failed; the next tick retries", e);
        }
        long millis = monitoring.hostSampleInterval().toMillis();
        task = scheduler.scheduleAtFixedRate(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** One sampling step. Never throws: a failure is logged, counted, and the next tick tries again. */
    void tick() {
        Instant now = clock.instant();
        HostSample sample = null;
        try {
            HostReading reading = probe.read(now);
            HostReading prior;
            synchronized (this) {
                prior = previous;
                previous = reading;
            }
            if (prior == null) {
                return; // a baseline after a failed read; rates need two readings
            }
            Optional<HostSample> computed = reading.since(prior);
            if (computed.isEmpty()) {
                log.warn("host sampler: the clock did not advance between readings ({} then {}); skipping this interval", prior.at(), reading.at());
                return;
            }
            sample = computed.get();
            remember(sample, now);
            samples.incrementAndGet();
        } catch (RuntimeException | LinkageError e) {
            failures.incrementAndGet();
            log.warn("host sampler: reading the host failed at {}", now, e);
            return;
        }
        try {
            HostSample stored = sample;
            db.withHandle(h -> {
                store.insert(h, nodeId, stored);
                return null;
            });
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.warn("host sampler: storing the sample of {} failed (kept in memory)", sample.at(), e);
        }
        purgeIfDue(now);
    }

    private void purgeIfDue(Instant now) {
        if (now.isBefore(nextPurge)) {
            return;
        }
        nextPurge = now.plus(PURGE_EVERY);
        try {
            Instant before = now.minus(monitoring.retention());
            int purged = db.withHandle(h -> store.purge(h, before));
            if (purged > 0) {
                log.debug("host sampler: purged {} samples older than {}", purged, before);
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.warn("host sampler: purging samples older than the retention ({}) failed", monitoring.retention(), e);
        }
    }

    private synchronized void remember(HostSample sample, Instant now) {
        window.addLast(sample);
        Instant oldest = now.minus(monitoring.memoryWindow());
        while (!window.isEmpty() && window.peekFirst().at().isBefore(oldest)) {
            window.removeFirst();
        }
    }

    @Override
    public synchronized Optional<HostSample> latest() {
        return Optional.ofNullable(window.peekLast());
    }

    @Override
    public synchronized List<HostSample> window(Instant from, Instant to) {
        List<HostSample> out = new ArrayList<>();
        for (HostSample s : window) {
            if (!s.at().isBefore(from) && !s.at().isAfter(to)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The oldest sample held in memory. */
    synchronized Optional<Instant> oldestInMemory() {
        return Optional.ofNullable(window.peekFirst()).map(HostSample::at);
    }

    /** Failed readings, writes and purges since start. */
    public long failures() {
        return failures.get();
    }

    /** Samples taken since start. */
    public long samples() {
        return samples.get();
    }

    /** This process's id in {@code host_sample.node_id}. */
    public String nodeId() {
        return nodeId;
    }

    Database database() {
        return db;
    }

    HostSampleStore store() {
        return store;
    }

    Monitoring monitoring() {
        return monitoring;
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
