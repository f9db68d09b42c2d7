package dev.phasegate.server.notify;

import java.util.Locale;
import java.util.Optional;

/** Where a message stands: waiting for its (next) attempt, delivered, or given up. */
public enum MessageStatus {
    PENDING, DELIVERED, FAILED;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MessageStatus> byApiName(String name) {
        for (MessageStatus s : values()) {
            if (s.apiName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
