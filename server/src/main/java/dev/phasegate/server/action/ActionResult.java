package dev.phasegate.server.action;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How an action ended. On the wire: {@code ok}, {@code failed}, {@code skipped} (e.g. a webhook in its cooldown). */
public enum ActionResult {
    OK, FAILED, SKIPPED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ActionResult> byWire(String name) {
        return Arrays.stream(values()).filter(r -> r.wire().equals(name)).findFirst();
    }
}
