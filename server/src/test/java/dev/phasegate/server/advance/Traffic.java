package dev.phasegate.server.advance;

import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestServer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Telemetry of one rollout sent over HTTP with an ingest token, stamped one second before the test clock. */
final class Traffic {

    private final TestServer server;
    private final TestClock clock;
    private final String rollout;
    private final String ingest;

    Traffic(TestServer server, TestClock clock, String rollout) {
        this.server = server;
        this.clock = clock;
        this.rollout = rollout;
        this.ingest = server.token("ingest");
    }

    /**
     * Waits (bounded) until the published rules, which attribute telemetry to beta or control, know users
     * b0..b(users-1) as enrolled: the rules are rebuilt in the background after enrollments.
     */
    static void awaitEnrolled(TestServer server, String rollout, int users) {
        server.awaitEnrolled(rollout, java.util.stream.IntStream.range(0, users).mapToObj(i -> "b" + i).toList());
    }

    /** {@code requests} beta requests spread over users b0..b(users-1), the first {@code errors} of them failed. */
    void requests(int requests, int errors, int users) {
        long at = clock.instant().minusSeconds(1).toEpochMilli();
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            Map<String, Object> e = new HashMap<>();
            e.put("type", "request");
            e.put("timestamp", at);
            e.put("userId", "b" + (i % users));
            e.put("rollout", rollout);
            e.put("latencyMs", 20);
            e.put("outcome", i < errors ? "error" : "ok");
            events.add(e);
        }
        send(events);
    }

    /** One rating per value, from users b0, b1, ... */
    void feedback(int... ratings) {
        long at = clock.instant().minusSeconds(1).toEpochMilli();
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < ratings.length; i++) {
            events.add(Map.of("type", "feedback", "timestamp", at, "userId", "b" + i, "rollout", rollout, "rating", ratings[i]));
        }
        send(events);
    }

    private void send(List<Map<String, Object>> events) {
        TestServer.Response r = server.postJson("/api/v1/events", ingest, events);
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        assertThat(r.json().get("stored").asInt()).as(r.raw()).isEqualTo(events.size());
    }
}
