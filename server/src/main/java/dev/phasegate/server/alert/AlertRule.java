package dev.phasegate.server.alert;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the guard engine evaluates: the labels that identify the alert, its severity and its hysteresis.
 *
 * <pre>{@code
 * new AlertRule(Map.of("rollout", "checkout-v2", "guard", "error-rate", "scope", "beta", "severity", "critical"),
 *         Severity.CRITICAL, Duration.ofMinutes(1), Duration.ofMinutes(5));
 * }</pre>
 *
 * @param labels        always {@code rollout} ("" for system-wide), {@code guard}, {@code scope} and
 *                      {@code severity} (the wire name of {@code severity}); more are allowed (e.g. {@code phase})
 * @param forDuration   how long a breach must hold before the alert fires; zero fires at once
 * @param keepFiringFor how long the guard must be clear before a firing alert resolves; zero resolves at once
 */
public record AlertRule(Map<String, String> labels, Severity severity, Duration forDuration, Duration keepFiringFor) {

    /** Label names every rule carries. */
    public static final String ROLLOUT = "rollout", GUARD = "guard", SCOPE = "scope", SEVERITY = "severity";

    public AlertRule {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(forDuration, "forDuration");
        Objects.requireNonNull(keepFiringFor, "keepFiringFor");
        labels = Map.copyOf(new TreeMap<>(labels));
        for (String required : new String[]{ROLLOUT, GUARD, SCOPE, SEVERITY}) {
            if (!labels.containsKey(required)) {
                throw new IllegalArgumentException("alert rule labels need '" + required + "': " + labels);
            }
        }
        if (!labels.get(SEVERITY).equals(severity.wire())) {
            throw new IllegalArgumentException("label severity '" + labels.get(SEVERITY) + "' differs from " + severity.wire());
        }
        if (labels.get(GUARD).isEmpty()) {
            throw new IllegalArgumentException("label guard is empty: " + labels);
        }
        // The store's columns: rollout keys are at most 128 characters (as everywhere), guards 128, scopes 256.
        if (labels.get(ROLLOUT).length() > 128 || labels.get(GUARD).length() > 128 || labels.get(SCOPE).length() > 256) {
            throw new IllegalArgumentException("label too long (rollout and guard at most 128 characters, scope 256): " + labels);
        }
        if (forDuration.isNegative() || keepFiringFor.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative: for " + forDuration + ", keepFiringFor " + keepFiringFor);
        }
    }

    /** The alert's identity: see {@link Fingerprints}. */
    public String fingerprint() {
        return Fingerprints.of(labels);
    }

    public String rollout() {
        return labels.get(ROLLOUT);
    }

    public String guard() {
        return labels.get(GUARD);
    }

    public String scope() {
        return labels.get(SCOPE);
    }
}
