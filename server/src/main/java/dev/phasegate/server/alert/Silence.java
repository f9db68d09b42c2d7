package dev.phasegate.server.alert;

import java.time.Instant;
import java.util.List;

/**
 * A silence: alerts matched by every matcher between {@code startsAt} and {@code endsAt} are
 * {@code silenced} (they still go through their lifecycle; notifications skip them).
 *
 * @param state     {@code pending} (starts later), {@code active} or {@code expired}, as of the answer
 * @param expiredBy who ended it early, or null
 */
public record Silence(long id, List<SilenceMatcher> matchers, Instant startsAt, Instant endsAt, String comment,
                      String createdBy, Instant createdAt, String expiredBy, String state) {

    boolean activeAt(Instant at) {
        return !at.isBefore(startsAt) && at.isBefore(endsAt);
    }
}
