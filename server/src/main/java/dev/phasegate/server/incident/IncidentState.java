package dev.phasegate.server.incident;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an incident is in its life: {@code open → acknowledged → resolved} (an open one may be resolved
 * without an acknowledgement). Open and acknowledged incidents are <em>active</em>: at most one per rollout.
 */
public enum IncidentState {
    OPEN, ACKNOWLEDGED, RESOLVED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean active() {
        return this != RESOLVED;
    }

    public static Optional<IncidentState> byWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(name)).findFirst();
    }
}
