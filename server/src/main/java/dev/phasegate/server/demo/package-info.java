/**
 * {@code phasegate demo}: a node on a fresh embedded store, the reference plan made quick, a simulated trading
 * application that enrolls beta users and sends telemetry over the public HTTP API, a fault injected in a beta
 * feature, and a console narration of what the guardian does about it. The application talks HTTP (not the
 * SDK module, which depends on the server for its tests) and evaluates features from the published rules
 * with core's {@link dev.phasegate.core.gate.Evaluator}, as the SDK does.
 */
package dev.phasegate.server.demo;
