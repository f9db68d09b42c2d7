/**
 * Alerts of guards: one alert per guard, scope and severity (identified by a fingerprint of its labels),
 * deduplicated, moving {@code pending → firing → resolved} with hysteresis ({@code for},
 * {@code keepFiringFor}); acknowledgements, silences and inhibition (a firing critical alert mutes the
 * warning of the same rollout and guard); and each alert's history. {@link dev.phasegate.server.alert.AlertBook}
 * is the single owner of alert state: the guard engine reports evaluations to it, the HTTP API reads and
 * acknowledges through it.
 */
package dev.phasegate.server.alert;
