package dev.phasegate.server.sdk;

import dev.phasegate.core.gate.Evaluator;
import dev.phasegate.core.gate.RolloutRules;
import dev.phasegate.core.gate.RulesCodec;
import dev.phasegate.core.gate.RulesSnapshot;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.StoredRollout;
import dev.phasegate.server.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The current rules, rebuilt from the store whenever a commit changes them (and, as a safety net for
 * changes made elsewhere, when a periodic check finds a newer version). Rebuilds run on one thread and
 * coalesce: a burst of changes costs one rebuild. The one owner of the published rules; readers get an
 * immutable {@link PublishedRules}.
 */
public final class RulesCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RulesCache.class);
    /**
     * How often the store's version is checked when no push tells of other nodes' changes: half the 1 s
     * within which an SDK on any node must see a change (issue 7).
     */
    static final Duration POLL = Duration.ofMillis(500);
    /** While pushes arrive (LISTEN connected), the version is still checked this often, as a safety net. */
    static final Duration POLL_WHILE_PUSHED = Duration.ofSeconds(5);

    private final Database db;
    private final RolloutRepository rollouts;
    private final Clock clock;
    private final ScheduledExecutorService worker;
    private final AtomicBoolean rebuildQueued = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();
    private final List<Consumer<PublishedRules>> subscribers = new CopyOnWriteArrayList<>();
    private volatile PublishedRules current;
    private volatile java.util.function.BooleanSupplier pushed = () -> false;
    private volatile long lastPollNanos = System.nanoTime();

    public RulesCache(Database db, RolloutRepository rollouts, Clock clock) {
        this.db = db;
        this.rollouts = rollouts;
        this.clock = clock;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phasegate-rules");
            t.setDaemon(true);
            return t;
        });
        this.current = build();
        db.onRulesChanged(this::requestRebuild);
        worker.scheduleWithFixedDelay(this::pollTick, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The rules as last published. Never null. */
    public PublishedRules current() {
        return current;
    }

    /** Called with every newly published version, on the rules thread. */
    public void subscribe(Consumer<PublishedRules> subscriber) {
        subscribers.add(subscriber);
    }

    public void unsubscribe(Consumer<PublishedRules> subscriber) {
        subscribers.remove(subscriber);
    }

    /**
     * Tells the cache another node committed rules {@code version}: rebuilds unless it publishes that one
     * already (on the feed's thread; quick).
     */
    public void changedElsewhere(long version) {
        if (version > current.version()) {
            requestRebuild(false);
        }
    }

    /** While {@code connected} answers true, changes are pushed ({@link #changedElsewhere}) and polling slows down. */
    public void pushedBy(java.util.function.BooleanSupplier connected) {
        this.pushed = connected;
    }

    /** Rebuild failures so far (a metric for later). */
    public long failures() {
        return failures.get();
    }

    /**
     * Queues one rebuild. A rebuild starts no sooner than three times its predecessor's duration after that
     * one ended, so with large snapshots under a flood of enrollments rebuilding takes at most a quarter of
     * a core, while a small change (a kill switch, a few milliseconds to rebuild) is published at once.
     */
    void requestRebuild(boolean urgent) {
        if (urgent) {
            // Taking features away must not wait behind the spacing: rebuild now (a queued rebuild then finds
            // nothing new and publishes nothing).
            worker.execute(this::rebuildTick);
            return;
        }
        if (rebuildQueued.compareAndSet(false, true)) {
            long wait = Math.max(0, lastBuildEndNanos + REBUILD_SPACING * lastBuildNanos - System.nanoTime());
            worker.schedule(this::rebuildTick, wait, TimeUnit.NANOSECONDS);
        }
    }

    /** Idle time after a rebuild, in multiples of its duration: 3 keeps rebuilding to 25 % of a core. */
    static final int REBUILD_SPACING = 3;
    private volatile long lastBuildNanos;
    private volatile long lastBuildEndNanos;

    private void rebuildTick() {
        rebuildQueued.set(false);
        try {
            long start = System.nanoTime();
            PublishedRules built = build();
            lastBuildEndNanos = System.nanoTime();
            lastBuildNanos = lastBuildEndNanos - start;
            publish(built);
        } catch (RuntimeException e) {
            // Never let the loop die: keep serving the last good rules, count, log, retry on the next poll.
            failures.incrementAndGet();
            log.warn("rebuilding the rules failed; serving version {} until the next try", current.version(), e);
        }
    }

    private void pollTick() {
        if (pushed.getAsBoolean() && System.nanoTime() - lastPollNanos < POLL_WHILE_PUSHED.toNanos()) {
            return;
        }
        lastPollNanos = System.nanoTime();
        try {
            long stored = db.withHandle(db::rulesVersion);
            if (stored != current.version()) {
                publish(build());
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.warn("checking the rules version failed: {}", e.getMessage());
        }
    }

    private void publish(PublishedRules next) {
        if (next.version() <= current.version() && current.version() != 0) {
            return;
        }
        current = next;
        for (Consumer<PublishedRules> subscriber : subscribers) {
            try {
                subscriber.accept(next);
            } catch (RuntimeException e) {
                log.warn("a rules subscriber failed", e);
            }
        }
    }

    /** Reads version first, then data: data at least as new as the version, never older. */
    private PublishedRules build() {
        RulesSnapshot snapshot = db.withHandle(h -> {
            long version = db.rulesVersion(h);
            Map<String, Set<String>> enrolled = new HashMap<>();
            Map<String, Set<String>> waitlisted = new HashMap<>();
            h.createQuery("SELECT rollout_key, user_id, status FROM enrollment WHERE status <> 'LEFT'")
                    .map((rs, ctx) -> new String[]{rs.getString(1), rs.getString(2), rs.getString(3)})
                    .forEach(row -> ("ENROLLED".equals(row[2]) ? enrolled : waitlisted)
                            .computeIfAbsent(row[0], k -> new HashSet<>()).add(row[1]));
            List<RolloutRules> result = new ArrayList<>();
            for (StoredRollout stored : rollouts.list(h)) {
                String key = stored.rollout().key();
                Set<String> killed = rollouts.features(h, key).values().stream()
                        .filter(RolloutRepository.FeatureRow::killSwitch).map(RolloutRepository.FeatureRow::feature)
                        .collect(Collectors.toSet());
                result.add(RolloutRules.of(stored.rollout(), killed::contains, enrolled.getOrDefault(key, Set.of()),
                        waitlisted.getOrDefault(key, Set.of())));
            }
            return new RulesSnapshot(version, result);
        });
        return new PublishedRules(Evaluator.of(snapshot), RulesCodec.encode(snapshot),
                () -> Json.write(jsonView(snapshot)).getBytes(java.nio.charset.StandardCharsets.UTF_8), clock.instant());
    }

    /** The JSON form of a snapshot: the same fields as the binary one (docs/sdk.md). */
    static Map<String, Object> jsonView(RulesSnapshot snapshot) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("version", snapshot.version());
        List<Map<String, Object>> rollouts = new ArrayList<>();
        for (RolloutRules r : snapshot.rollouts()) {
            Map<String, Object> rollout = new LinkedHashMap<>();
            rollout.put("key", r.key());
            rollout.put("state", r.state().apiName());
            rollout.put("currentPhase", r.currentPhase());
            rollout.put("featuresWithdrawn", r.featuresWithdrawn());
            rollout.put("features", r.features().stream().map(f -> Map.of("key", f.key(), "unlockedAt", f.unlockedAt(),
                    "percentage", f.percentage(), "killSwitch", f.killSwitch())).toList());
            rollout.put("enrolled", r.enrolled().stream().sorted().toList());
            rollout.put("waitlisted", r.waitlisted().stream().sorted().toList());
            rollouts.add(rollout);
        }
        view.put("rollouts", rollouts);
        return view;
    }

    /** Stops rebuilding and waits for a rebuild under way, so the store is not closed under it. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
