/**
 * Beta enrollment on the server: admitting users (one or up to 10,000 per request) under the rollout's
 * lock, the FIFO waitlist and its promotion, leaving, and listing.
 */
package dev.phasegate.server.enrollment;
