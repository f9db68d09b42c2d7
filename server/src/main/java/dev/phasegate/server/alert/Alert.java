package dev.phasegate.server.alert;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An alert as the API returns it.
 *
 * @param fingerprint     identity of the label set; alerts of the same guard, scope and severity share it
 * @param summary         the latest evaluation in one sentence
 * @param activeSince     when the breach began (the alert opened)
 * @param firedAt         when it fired, or null while pending
 * @param clearingSince   firing but clear since then (it resolves after the rule's keepFiringFor), or null
 * @param evaluatedAt     when {@code decision} was evaluated
 * @param decision        the latest evaluation (why it is in this state now)
 * @param firingDecision  the evaluation that made it fire
 * @param acknowledgement who acknowledged it, or null
 * @param silenced        matched by an active silence: notifications skip it (for a resolved alert: at resolution)
 * @param inhibitedBy     the firing critical alert that mutes this warning, or null
 * @param history         oldest first; only in a single alert's answer, else null
 */
public record Alert(long id, String fingerprint, Map<String, String> labels, String rollout, String guard, String scope,
                    Severity severity, AlertState state, String summary, Instant activeSince, Instant firedAt,
                    Instant clearingSince, Instant resolvedAt, Instant evaluatedAt, Map<String, Object> decision,
                    Map<String, Object> firingDecision, Acknowledgement acknowledgement, boolean silenced,
                    List<Long> silencedBy, boolean inhibited, Long inhibitedBy, List<AlertEvent> history) {

    /** Who acknowledged an alert, when, and why. */
    public record Acknowledgement(Instant at, String by, String comment) {
    }

    public boolean acknowledged() {
        return acknowledgement != null;
    }

    Alert withHistory(List<AlertEvent> events) {
        return new Alert(id, fingerprint, labels, rollout, guard, scope, severity, state, summary, activeSince, firedAt,
                clearingSince, resolvedAt, evaluatedAt, decision, firingDecision, acknowledgement, silenced, silencedBy,
                inhibited, inhibitedBy, List.copyOf(events));
    }
}
