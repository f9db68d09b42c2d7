package dev.phasegate.server.telemetry;

import java.time.Instant;

/** A feedback event that carried a comment, kept (the newest 20 per bucket) for dashboards. */
public record FeedbackComment(Instant at, String userId, int rating, String comment) {
}
