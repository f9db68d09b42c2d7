package dev.phasegate.server.alert;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an alert is in its life. On the wire: {@code pending}, {@code firing}, {@code resolved}.
 * Pending and firing alerts are <em>open</em>: at most one per fingerprint.
 */
public enum AlertState {
    PENDING, FIRING, RESOLVED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean open() {
        return this != RESOLVED;
    }

    public static Optional<AlertState> byWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(name)).findFirst();
    }
}
