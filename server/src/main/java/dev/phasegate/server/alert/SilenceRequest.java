package dev.phasegate.server.alert;

import java.time.Instant;
import java.util.List;

/**
 * A new silence, as posted.
 *
 * <pre>{@code
 * {"matchers": [{"name": "rollout", "value": "checkout-v2"}, {"name": "guard", "value": "latency-.*", "isRegex": true}],
 *  "endsAt": "2025-06-01T18:00:00Z", "comment": "load test until 18:00"}
 * }</pre>
 *
 * @param startsAt null means now
 */
public record SilenceRequest(List<SilenceMatcher> matchers, Instant startsAt, Instant endsAt, String comment) {
}
