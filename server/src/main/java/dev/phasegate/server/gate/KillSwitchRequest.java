package dev.phasegate.server.gate;

/** The body of {@code PUT /api/v1/features/{featureKey}/kill-switch}. */
public record KillSwitchRequest(Boolean on, String reason) {
}
