package dev.phasegate.bench.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.server.Components;
import com.launchdarkly.sdk.server.LDClient;
import com.launchdarkly.sdk.server.LDConfig;
import com.launchdarkly.sdk.server.integrations.FileData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LaunchDarkly's server SDK ({@code com.launchdarkly:launchdarkly-java-server-sdk}) offline, the way its
 * "flags from files" docs intend: a {@code FileData} data source with full flag definitions, and no events.
 * Not {@code offline(true)}: that turns off every data source, the file one included, and answers only the
 * fallback. The ramp's fallthrough is a 25/75 percentage rollout (weights in thousandths of a percent, as
 * LaunchDarkly stores them); the beta feature serves true to an individual-targets list and false otherwise.
 */
final class LaunchDarklyPeer implements AutoCloseable {

    /** Any string: with a file data source and no events the key is never sent anywhere. */
    private static final String SDK_KEY = "sdk-phasegate-bench-offline";
    /** LaunchDarkly rollout weights are out of 100,000. */
    private static final int WEIGHT_TOTAL = 100_000;

    private final Path dir;
    private final LDClient client;

    private LaunchDarklyPeer(Path dir, LDClient client) {
        this.dir = dir;
        this.client = client;
    }

    static LaunchDarklyPeer start(Population population) throws IOException {
        Path dir = Files.createTempDirectory("phasegate-bench-launchdarkly-");
        Path file = dir.resolve("flags.json");
        Files.writeString(file, new ObjectMapper().writeValueAsString(Map.of("flags", flags(population))));
        LDConfig config = new LDConfig.Builder()
                .dataSource(FileData.dataSource().filePaths(file))
                .events(Components.noEvents())
                .diagnosticOptOut(true)
                .build();
        LDClient client = new LDClient(SDK_KEY, config);
        if (!client.isInitialized()) {
            client.close();
            throw new IllegalStateException("LaunchDarkly did not initialise from " + file);
        }
        return new LaunchDarklyPeer(dir, client);
    }

    private static Map<String, Object> flags(Population population) {
        int on = Features.RAMP_PERCENT * WEIGHT_TOTAL / 100;
        Map<String, Object> ramp = flag(Features.RAMP, List.of(),
                Map.of("rollout", Map.of("variations", List.of(
                        Map.of("variation", 0, "weight", on),
                        Map.of("variation", 1, "weight", WEIGHT_TOTAL - on)))));
        Map<String, Object> enrolled = flag(Features.ENROLLED,
                List.of(Map.of("variation", 0, "values", List.copyOf(population.enrolled()))),
                Map.of("variation", 1));
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put(Features.RAMP, ramp);
        flags.put(Features.ENROLLED, enrolled);
        return flags;
    }

    /** A boolean flag, on, variations [true, false]. */
    private static Map<String, Object> flag(String key, List<Object> targets, Map<String, Object> fallthrough) {
        Map<String, Object> flag = new LinkedHashMap<>();
        flag.put("key", key);
        flag.put("version", 1);
        flag.put("on", true);
        flag.put("salt", key);
        flag.put("variations", List.of(true, false));
        flag.put("offVariation", 1);
        flag.put("prerequisites", List.of());
        flag.put("targets", targets);
        flag.put("rules", List.of());
        flag.put("fallthrough", fallthrough);
        return flag;
    }

    /** LaunchDarkly's hot path as an app calls it: a context for the user, then {@code boolVariation}. */
    boolean isEnabled(String feature, String userId) {
        return client.boolVariation(feature, LDContext.create(userId), false);
    }

    /** With a context the app already holds. */
    boolean isEnabled(String feature, LDContext context) {
        return client.boolVariation(feature, context, false);
    }

    @Override
    public void close() throws IOException {
        client.close();
        Files.deleteIfExists(dir.resolve("flags.json"));
        Files.deleteIfExists(dir);
    }
}
