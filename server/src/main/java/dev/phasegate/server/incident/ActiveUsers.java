package dev.phasegate.server.incident;

import java.time.Instant;

/**
 * How many distinct beta users of a rollout sent telemetry over a span: the users who actually met the
 * release during an incident, as opposed to those enrolled. Every node's telemetry counts.
 */
@FunctionalInterface
public interface ActiveUsers {

    /** None known: reports say "not counted". */
    ActiveUsers NONE = (rollout, from, to) -> null;

    /** Distinct beta users seen in [from, to), or null when telemetry cannot tell. */
    Long between(String rollout, Instant from, Instant to);
}
