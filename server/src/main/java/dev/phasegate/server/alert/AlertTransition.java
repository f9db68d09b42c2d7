package dev.phasegate.server.alert;

import java.time.Instant;

/**
 * An alert changed state. {@code from} is null for a new alert ({@code to} is then {@code pending}, or
 * {@code firing} when the rule's {@code for} is zero). A pending alert whose guard clears before it fires
 * is dropped without a transition: nobody was told about it.
 *
 * @param alert the alert after the change, with {@code silenced} and {@code inhibited} as of {@code at}
 */
public record AlertTransition(Alert alert, AlertState from, AlertState to, Instant at) {
}
