/**
 * Feature gating on the server: "which features does user U get?" through the core evaluator, and the
 * per-feature kill switches.
 */
package dev.phasegate.server.gate;
