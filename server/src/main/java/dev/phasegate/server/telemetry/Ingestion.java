package dev.phasegate.server.telemetry;

import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.sdk.PublishedRules;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One batch from body to buckets: parse and check every event, attribute the valid ones to their series,
 * and add them. Nothing is added until the whole body has been read, so a body that turns out malformed or
 * too large stores nothing.
 */
final class Ingestion {

    /**
     * Distinct custom metric names this node tracks. Names come from clients; the cap keeps a buggy client
     * (a user id in a metric name) from growing every bucket without bound.
     */
    static final int MAX_METRIC_NAMES = 1_000;

    /** What happened to a batch: how many events were stored, and why each other one was not. */
    record Result(int stored, List<Rejection> rejected) {
    }

    private final Rollups rollups;
    private final Supplier<PublishedRules> rules;
    private final Clock clock;
    private final Monitoring monitoring;
    final IngestCounters counters = new IngestCounters();
    private final Set<String> metricNames = ConcurrentHashMap.newKeySet();
    private volatile Attribution attribution;

    Ingestion(Rollups rollups, Supplier<PublishedRules> rules, Clock clock, Monitoring monitoring) {
        this.rollups = rollups;
        this.rules = rules;
        this.clock = clock;
        this.monitoring = monitoring;
    }

    Result ingest(byte[] body, int length, boolean ndjson) {
        EventParser parser = new EventParser(clock.millis(), monitoring.maxFutureSkew().toMillis(), monitoring.maxEventAge().toMillis());
        EventParser.Batch batch;
        try {
            batch = ndjson ? parser.parseNdjson(body, length) : parser.parseArray(body, length);
        } catch (RuntimeException e) {
            counters.batchesRefused.increment();
            throw e;
        }
        Attribution attr = attribution();
        List<Rejection> rejected = new ArrayList<>(batch.rejections());
        IdentityHashMap<Bucket, List<Event>> grouped = new IdentityHashMap<>();
        Event[] events = batch.events();
        int stored = 0;
        for (int i = 0; i < events.length; i++) {
            Event e = events[i];
            if (e == null) {
                continue;
            }
            String problem = place(e, attr, grouped);
            if (problem == null) {
                stored++;
            } else {
                int cut = problem.indexOf('|');
                rejected.add(new Rejection(i, problem.substring(0, cut), problem.substring(cut + 1)));
            }
        }
        rollups.record(grouped);
        if (!batch.rejections().isEmpty() && rejected.size() > batch.rejections().size()) {
            rejected.sort(Comparator.comparingInt(Rejection::index));
        }
        counters.batches.increment();
        counters.stored.add(stored);
        for (Rejection r : rejected) {
            counters.rejected(r.field());
        }
        return new Result(stored, List.copyOf(rejected));
    }

    /** Adds the event's placements to {@code grouped}; answers null, or "field|detail" when it cannot be counted. */
    private String place(Event e, Attribution attr, IdentityHashMap<Bucket, List<Event>> grouped) {
        if (e.type() == EventType.METRIC && !metricNames.contains(e.name())) {
            if (metricNames.size() >= MAX_METRIC_NAMES) {
                return "name|this server already tracks " + MAX_METRIC_NAMES + " distinct metric names; '" + e.name()
                        + "' is a new one. Metric names are for a few kinds of measure, not for ids";
            }
            metricNames.add(e.name());
        }
        long start = Rollups.bucketStart(e.timestamp());
        if (e.rollout() != null) {
            Attribution.Target target = attr.rollout(e.rollout());
            if (target == null) {
                return "rollout|'" + Identifiers.printable(e.rollout()) + "' is not a known rollout";
            }
            if (e.type() == EventType.FEATURE_USED && !target.features().contains(e.feature())) {
                return "feature|'" + e.feature() + "' is not a feature of rollout '" + e.rollout() + "'";
            }
            add(grouped, target.seriesFor(e.userId()).bucket(start), e);
            return null;
        }
        if (e.type() == EventType.FEATURE_USED) {
            Attribution.Target owner = attr.featureOwner(e.feature());
            if (owner == null) {
                return "feature|'" + e.feature() + "' is not a feature of any rollout";
            }
            add(grouped, owner.seriesFor(e.userId()).bucket(start), e);
            return null;
        }
        List<Attribution.Target> targets = attr.attributable();
        if (targets.isEmpty()) {
            return "rollout|is not given, and no rollout is active, paused or rolling back to count the event in";
        }
        for (int i = 0, n = targets.size(); i < n; i++) {
            add(grouped, targets.get(i).seriesFor(e.userId()).bucket(start), e);
        }
        return null;
    }

    private static void add(IdentityHashMap<Bucket, List<Event>> grouped, Bucket bucket, Event e) {
        List<Event> list = grouped.get(bucket);
        if (list == null) {
            list = new ArrayList<>();
            grouped.put(bucket, list);
        }
        list.add(e);
    }

    /** The attribution for the rules as published now, rebuilt only when a new version is published. */
    private Attribution attribution() {
        PublishedRules current = rules.get();
        Attribution a = attribution;
        if (a == null || a.source() != current) {
            a = Attribution.of(current, rollups);
            attribution = a;
        }
        return a;
    }
}
