package dev.phasegate.core.plan;

import java.time.Duration;

/**
 * What must hold before a phase may advance; evaluated by the guardian. A null field means "no
 * such criterion".
 *
 * @param minDuration     minimum time in the phase
 * @param minActiveUsers  minimum distinct active beta users in the phase
 * @param maxErrorRate    maximum error rate of the beta cohort, in percent
 * @param minSatisfaction minimum average feedback rating (1–5)
 * @param auto            advance by itself when every criterion is met
 */
public record AdvanceCriteria(Duration minDuration, Integer minActiveUsers, Double maxErrorRate,
                              Double minSatisfaction, boolean auto) {
    public static final AdvanceCriteria NONE = new AdvanceCriteria(null, null, null, null, false);
}
