/**
 * Rules for SDKs: the versioned snapshot of every rollout's gating rules (built from the store when they
 * change), its HTTP and SSE routes, and the registry of SDK instances reporting which version they run.
 */
package dev.phasegate.server.sdk;
