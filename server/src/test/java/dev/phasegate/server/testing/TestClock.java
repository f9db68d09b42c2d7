package dev.phasegate.server.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand instead of sleeping; {@code step} (if set) also advances it on every read. */
public final class TestClock extends Clock {

    private Instant now;
    private final Duration step;

    public TestClock(Instant start, Duration step) {
        this.now = start;
        this.step = step;
    }

    public TestClock(Instant start) {
        this(start, Duration.ZERO);
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    public synchronized void set(Instant at) {
        now = at;
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
        throw new UnsupportedOperationException("tests use UTC");
    }
}
