package dev.phasegate.server.host;

import java.time.Instant;

/** Reads the machine's counters; {@link OshiProbe} in production, a script of readings in tests. */
interface HostProbe {

    /** The counters now, stamped {@code at}. May throw: the sampler counts and logs the failure. */
    HostReading read(Instant at);
}
