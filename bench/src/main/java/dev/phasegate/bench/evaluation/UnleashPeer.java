package dev.phasegate.bench.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.util.UnleashConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Unleash ({@code io.getunleash:unleash-client-java}) offline, as its README describes bootstrapping: a
 * {@code ToggleBootstrapProvider} returning a {@code /api/client/features} payload, polling and metrics
 * disabled. The ramp is a {@code flexibleRollout} at 25 with stickiness {@code userId}; the beta feature is
 * the standard strategy with a {@code userId IN [...]} constraint (Unleash's replacement for the legacy
 * userWithId strategy). Evaluation runs in Unleash's Yggdrasil engine, native code reached through JNI.
 */
final class UnleashPeer implements AutoCloseable {

    /** Never contacted: polling and metrics are off. A closed loopback port in case anything tried. */
    private static final String NO_SERVER = "http://127.0.0.1:1/api/";

    private final Path dir;
    private final Unleash unleash;

    private UnleashPeer(Path dir, Unleash unleash) {
        this.dir = dir;
        this.unleash = unleash;
    }

    static UnleashPeer start(Population population) throws IOException {
        String features = new ObjectMapper().writeValueAsString(features(population));
        Path dir = Files.createTempDirectory("phasegate-bench-unleash-");
        UnleashConfig config = UnleashConfig.builder()
                .appName("phasegate-bench")
                .instanceId("phasegate-bench")
                .unleashAPI(NO_SERVER)
                .disablePolling()
                .disableMetrics()
                // A backup file, when present, wins over the bootstrap: point it at one that does not exist.
                .backupFile(dir.resolve("unleash-repo.json").toString())
                .toggleBootstrapProvider(() -> Optional.of(features))
                .build();
        Unleash unleash = new DefaultUnleash(config);
        List<String> known = unleash.more().getFeatureToggleNames();
        if (!known.containsAll(List.of(Features.RAMP, Features.ENROLLED))) {
            unleash.shutdown();
            throw new IllegalStateException("Unleash did not take the bootstrap features; it knows " + known);
        }
        return new UnleashPeer(dir, unleash);
    }

    private static Map<String, Object> features(Population population) {
        Map<String, Object> ramp = Map.of(
                "name", Features.RAMP, "type", "release", "enabled", true, "variants", List.of(),
                "strategies", List.of(Map.of(
                        "name", "flexibleRollout",
                        "parameters", Map.of("rollout", String.valueOf(Features.RAMP_PERCENT), "stickiness", "userId",
                                "groupId", Features.RAMP),
                        "constraints", List.of())));
        Map<String, Object> enrolled = Map.of(
                "name", Features.ENROLLED, "type", "release", "enabled", true, "variants", List.of(),
                "strategies", List.of(Map.of(
                        "name", "default",
                        "parameters", Map.of(),
                        "constraints", List.of(Map.of("contextName", "userId", "operator", "IN",
                                "values", List.copyOf(population.enrolled()), "caseInsensitive", false, "inverted", false)))));
        return Map.of("version", 2, "features", List.of(ramp, enrolled), "segments", List.of());
    }

    /** Unleash's hot path as an app calls it: a context for the user, then {@code isEnabled}. */
    boolean isEnabled(String feature, String userId) {
        return unleash.isEnabled(feature, UnleashContext.builder().userId(userId).build());
    }

    /** With a context the app already holds (e.g. one per request, shared by several checks). */
    boolean isEnabled(String feature, UnleashContext context) {
        return unleash.isEnabled(feature, context);
    }

    static UnleashContext context(String userId) {
        return UnleashContext.builder().userId(userId).build();
    }

    @Override
    public void close() throws IOException {
        unleash.shutdown();
        Files.deleteIfExists(dir.resolve("unleash-repo.json"));
        Files.deleteIfExists(dir);
    }
}
