package dev.phasegate.server.sdk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SDK instances as they report in: which rules version each has applied and how long after its
 * publication that was. In memory on the node the SDK talks to; an instance silent for {@link #STALE} is
 * dropped.
 */
public final class SdkInstances {

    /** Three missed heartbeats at the SDK's default 30 s interval. */
    static final Duration STALE = Duration.ofSeconds(90);
    /** More instances than this on one node is abuse or a leak; the oldest report is dropped. */
    static final int MAX_INSTANCES = 10_000;

    /**
     * @param lagMillis time from this node publishing the version to the instance reporting it applied,
     *                  or null when the version was published before this node started
     */
    public record Instance(String instanceId, String sdk, long version, Instant lastSeen, Long lagMillis) {
    }

    /** What the dashboard shows: how many instances run the latest rules. */
    public record Summary(long latestVersion, int instances, int onLatest, List<Instance> items) {
    }

    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    private final Map<Long, Instant> publishedAt = new ConcurrentHashMap<>();
    private final Clock clock;

    public SdkInstances(Clock clock) {
        this.clock = clock;
    }

    void published(PublishedRules rules) {
        publishedAt.put(rules.version(), rules.publishedAt());
        if (publishedAt.size() > 1000) {
            long oldest = publishedAt.keySet().stream().min(Long::compare).orElse(0L);
            publishedAt.remove(oldest);
        }
    }

    void report(String instanceId, String sdk, long version) {
        Instant now = clock.instant();
        Instant published = publishedAt.get(version);
        Instance previous = instances.get(instanceId);
        Long lag = previous != null && previous.version() == version ? previous.lagMillis()
                : published == null ? null : Math.max(0, Duration.between(published, now).toMillis());
        instances.put(instanceId, new Instance(instanceId, sdk, version, now, lag));
        if (instances.size() > MAX_INSTANCES) {
            instances.values().stream().min(Comparator.comparing(Instance::lastSeen))
                    .ifPresent(oldest -> instances.remove(oldest.instanceId()));
        }
    }

    public Summary summary(long latestVersion) {
        Instant cutoff = clock.instant().minus(STALE);
        instances.values().removeIf(i -> i.lastSeen().isBefore(cutoff));
        List<Instance> items = instances.values().stream().sorted(Comparator.comparing(Instance::instanceId)).toList();
        int onLatest = (int) items.stream().filter(i -> i.version() >= latestVersion).count();
        return new Summary(latestVersion, items.size(), onLatest, items);
    }
}
