package dev.phasegate.server.host;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand; {@code step} (if set) also advances it on every read. */
final class MutableClock extends Clock {

    private volatile Instant now;
    private final Duration step;

    MutableClock(Instant start, Duration step) {
        this.now = start;
        this.step = step;
    }

    MutableClock(Instant start) {
        this(start, Duration.ZERO);
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public synchronized Instant instant() {
        Instant t = now;
        now = now.plus(step);
        return t;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
