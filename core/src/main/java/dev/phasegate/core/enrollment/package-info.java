/**
 * Beta enrollment: the admission policy that decides, for each user in arrival order, a place or the
 * waitlist, without ever exceeding the current phase's capacity. Stores run it under a per-rollout lock.
 */
package dev.phasegate.core.enrollment;
