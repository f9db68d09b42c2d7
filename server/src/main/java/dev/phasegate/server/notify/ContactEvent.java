package dev.phasegate.server.notify;

import java.util.Map;

/**
 * Something the plan's contacts must hear about.
 *
 * <pre>{@code
 * new ContactEvent("contact.rollback-started", "critical", "Rollback of trading-engine-v2 started",
 *         "Guard error-rate is critical (3.1 % > 2 %); rolling back to phase 1.", Map.of("guard", "error-rate"), 17L);
 * }</pre>
 *
 * @param kind       e.g. {@code contact.alert-critical}, {@code contact.rollback-started}, {@code contact.incident-opened}
 * @param severity   e.g. {@code critical}, {@code warning}, {@code info}
 * @param subject    one line
 * @param text       plain text
 * @param data       details for webhooks ({@code data} in JSON); may be empty
 * @param incidentId the incident it belongs to, or null
 */
public record ContactEvent(String kind, String severity, String subject, String text, Map<String, Object> data, Long incidentId) {

    public ContactEvent {
        data = data == null ? Map.of() : data;
    }
}
