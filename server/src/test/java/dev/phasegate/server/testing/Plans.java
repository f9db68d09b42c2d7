package dev.phasegate.server.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders of plan documents (as JSON-ready maps) for tests. */
public final class Plans {

    private Plans() {
    }

    /** A plan with one phase per capacity; phase i unlocks feature {@code <key>-f<i>}. */
    public static Map<String, Object> plan(String key, int... capacities) {
        List<Map<String, Object>> phases = new ArrayList<>();
        for (int i = 0; i < capacities.length; i++) {
            phases.add(phase("phase-" + (i + 1), capacities[i], key + "-f" + (i + 1)));
        }
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("rollout", key);
        plan.put("phases", phases);
        return plan;
    }

    public static Map<String, Object> phase(String name, int capacity, String... features) {
        Map<String, Object> phase = new LinkedHashMap<>();
        phase.put("name", name);
        phase.put("capacity", capacity);
        phase.put("features", List.of(features));
        return phase;
    }

    /** The reference plan's YAML (examples/trading-engine.yaml), read from the repository. */
    public static String referenceYaml() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("..", "examples", "trading-engine.yaml"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("examples/trading-engine.yaml not found from " + java.nio.file.Path.of("").toAbsolutePath(), e);
        }
    }
}
