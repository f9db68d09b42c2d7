package dev.phasegate.server.incident;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How bad an incident is, SEV1 (worst) to SEV4. On the wire: {@code sev1} … {@code sev4}. Automatic
 * incidents of critical alerts start at {@link #SEV2}: a guard breached on a beta cohort, not (yet) an
 * outage of everyone, which a person can raise to SEV1.
 */
public enum IncidentSeverity {
    SEV1, SEV2, SEV3, SEV4;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this is worse than {@code other} (SEV1 is worse than SEV2). */
    public boolean worseThan(IncidentSeverity other) {
        return ordinal() < other.ordinal();
    }

    public static Optional<IncidentSeverity> byWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(name)).findFirst();
    }
}
