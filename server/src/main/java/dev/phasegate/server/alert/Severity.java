package dev.phasegate.server.alert;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How bad a guard's breach is. On the wire: {@code warning}, {@code critical}. */
public enum Severity {
    WARNING, CRITICAL;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> byWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(name)).findFirst();
    }
}
