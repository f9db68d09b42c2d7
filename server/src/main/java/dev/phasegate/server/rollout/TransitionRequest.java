package dev.phasegate.server.rollout;

/**
 * The optional body of a transition ({@code start}, {@code advance}, {@code pause}, {@code resume},
 * {@code complete}).
 *
 * @param reason           why, kept in the audit log
 * @param withdrawFeatures for pause: withdraw every feature while paused (a hard pause)
 */
public record TransitionRequest(String reason, Boolean withdrawFeatures) {
    public static final TransitionRequest NONE = new TransitionRequest(null, null);
}
