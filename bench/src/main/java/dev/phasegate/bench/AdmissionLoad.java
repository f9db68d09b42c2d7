package dev.phasegate.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop load: {@code clients} platform threads, each enrolling one new user at a time and sending the
 * next request as soon as the answer arrives, until the interval is over. A request started before the end
 * is waited for, and the interval is measured to the last answer, so the rate counts only finished work.
 */
final class AdmissionLoad {

    /** Past this many failed requests a run is stopped early: its figures would mean nothing anyway. */
    static final long MAX_ERRORS = 1_000;
    /** Error texts kept for printing; the rest are only counted. */
    private static final int ERROR_SAMPLES = 3;
    /** How long past its end a run may take before its clients are abandoned: the request timeout plus slack. */
    private static final Duration GRACE = EnrollmentApi.REQUEST_TIMEOUT.plusSeconds(30);
    /** Rates are also reported per slice this long: four slices in the default 20 s. */
    static final Duration SLICE = Duration.ofSeconds(5);

    private final EnrollmentApi api;
    private final String rolloutKey;
    private final int clients;

    /**
     * What a run measured. Latency is recorded for every answered (2xx) request, in nanoseconds.
     *
     * @param errors       per kind of failure (status code or exception), how many
     * @param errorSamples the first few failures in full
     * @param aborted      whether the run stopped early (too many errors, or clients that did not finish)
     * @param perSlice     admissions in each whole {@link #SLICE} of the interval, in order
     */
    record Tally(long enrolled, long waitlisted, long existing, long elapsedNanos, Histogram latency,
                 Map<String, Long> errors, List<String> errorSamples, boolean aborted, List<Long> perSlice) {

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        double perSecond(long count) {
            return count * 1e9 / elapsedNanos;
        }
    }

    AdmissionLoad(EnrollmentApi api, String rolloutKey, int clients) {
        this.api = api;
        this.rolloutKey = rolloutKey;
        this.clients = clients;
    }

    /** Runs for {@code duration}, enrolling users named {@code userPrefix + client + "-" + n}. */
    Tally run(String userPrefix, Duration duration) throws InterruptedException {
        Recorder latency = new Recorder(3);
        LongAdder enrolled = new LongAdder();
        LongAdder waitlisted = new LongAdder();
        LongAdder existing = new LongAdder();
        LongAdder errorCount = new LongAdder();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();

        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            String prefix = userPrefix + c + "-";
            threads.add(Thread.ofPlatform().name("client-" + c).daemon().start(() -> {
                try {
                    for (long n = 0; !stop.get() && System.nanoTime() < end; n++) {
                        long sent = System.nanoTime();
                        EnrollmentApi.Outcome outcome = api.enroll(rolloutKey, prefix + n);
                        long took = System.nanoTime() - sent;
                        switch (outcome.kind()) {
                            case ENROLLED -> enrolled.increment();
                            case WAITLISTED -> waitlisted.increment();
                            case EXISTING -> existing.increment();
                            case ERROR -> {
                                errors.computeIfAbsent(kindOf(outcome.detail()), k -> new LongAdder()).increment();
                                if (samples.size() < ERROR_SAMPLES) {
                                    samples.add(outcome.detail());
                                }
                                errorCount.increment();
                                if (errorCount.sum() >= MAX_ERRORS) {
                                    stop.set(true);
                                }
                                continue;
                            }
                        }
                        latency.recordValue(took);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        List<Long> perSlice = sliceCounts(enrolled, start, end, stop);
        boolean finished = true;
        long joinDeadline = end + GRACE.toNanos();
        for (Thread t : threads) {
            long left = joinDeadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                finished = false;
                break;
            }
        }
        long elapsed = System.nanoTime() - start;
        if (!finished) {
            stop.set(true);
            threads.forEach(Thread::interrupt);
        }
        Map<String, Long> errorTotals = new TreeMap<>();
        errors.forEach((k, v) -> errorTotals.put(k, v.sum()));
        // Several clients may pass the size check at once; keep the first few.
        List<String> firstSamples = samples.stream().limit(ERROR_SAMPLES).toList();
        return new Tally(enrolled.sum(), waitlisted.sum(), existing.sum(), elapsed, latency.getIntervalHistogram(),
                errorTotals, firstSamples, stop.get() || !finished, perSlice);
    }

    /**
     * Admissions in each {@link #SLICE} of the interval, counted while the clients run: a rate that falls
     * slice after slice means the cost of an admission grows with the rollout's size.
     */
    private static List<Long> sliceCounts(LongAdder enrolled, long start, long end, AtomicBoolean stop) throws InterruptedException {
        List<Long> counts = new ArrayList<>();
        long previous = 0;
        for (long next = start + SLICE.toNanos(); next <= end && !stop.get(); next += SLICE.toNanos()) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long now = enrolled.sum();
            counts.add(now - previous);
            previous = now;
        }
        return counts;
    }

    /** "HTTP 503: {...}" counts as "HTTP 503"; "HttpTimeoutException: ..." as "HttpTimeoutException". */
    private static String kindOf(String detail) {
        int colon = detail.indexOf(':');
        return colon < 0 ? detail : detail.substring(0, colon);
    }

    static double millis(long nanos) {
        return nanos / (double) TimeUnit.MILLISECONDS.toNanos(1);
    }
}
