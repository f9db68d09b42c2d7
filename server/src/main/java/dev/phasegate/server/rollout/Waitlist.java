package dev.phasegate.server.rollout;

import dev.phasegate.server.audit.Actor;
import org.jdbi.v3.core.Handle;

import java.time.Instant;

/**
 * Promotion from the waitlist, called after any change that can free places (start, advance, resume, a
 * larger capacity). Implemented by the enrollment package; declared here so rollouts need not know it.
 */
public interface Waitlist {

    /** Admits waitlisted users, first in line first, into the free places; returns the updated rollout. */
    StoredRollout promote(Handle h, StoredRollout rollout, Actor actor, Instant now);
}
