package dev.phasegate.server.enrollment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invariant the earlier attempt broke ("database is locked"): 1,000 concurrent enrollment requests
 * against a phase of capacity 5 through the real HTTP server give exactly 5 enrolled and 995 waitlisted,
 * every request a 2xx. Run on each store by a subclass, 20 rounds each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConcurrentAdmissionContract {

    private static final int REQUESTS = 1000;
    private static final int CAPACITY = 5;

    private TestStore store;
    private TestServer server;

    abstract TestStore.Kind kind();

    @BeforeAll
    void start() {
        store = TestStore.create(kind());
        server = TestServer.start(store.settings());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @RepeatedTest(20)
    void admits_exactly_capacity_of_1000_concurrent_requests_and_waitlists_the_rest(org.junit.jupiter.api.RepetitionInfo round) {
        String key = "concurrent-" + round.getCurrentRepetition();
        assertThat(server.putJson("/api/v1/rollouts/" + key, TestStore.ADMIN_TOKEN, Plans.plan(key, CAPACITY, 50)).status()).isEqualTo(201);

        List<CompletableFuture<TestServer.Response>> inFlight = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            HttpRequest request = server.request("/api/v1/rollouts/" + key + "/enrollments", TestStore.ADMIN_TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"user-" + i + "\"}")).build();
            inFlight.add(server.sendAsync(request));
        }
        int enrolled = 0;
        int waitlisted = 0;
        Set<Integer> positions = new HashSet<>();
        for (CompletableFuture<TestServer.Response> f : inFlight) {
            TestServer.Response r = f.join();
            assertThat(r.status()).as("every request is answered 2xx, never a lock error: %s", r.raw()).isEqualTo(201);
            switch (r.json().get("status").asText()) {
                case "enrolled" -> enrolled++;
                case "waitlisted" -> {
                    waitlisted++;
                    positions.add(r.json().get("position").asInt());
                }
                default -> throw new AssertionError("unexpected status " + r.raw());
            }
        }
        assertThat(enrolled).isEqualTo(CAPACITY);
        assertThat(waitlisted).isEqualTo(REQUESTS - CAPACITY);
        assertThat(positions).as("each waitlisted user has a distinct place in line").hasSize(REQUESTS - CAPACITY);

        JsonNode rollout = server.get("/api/v1/rollouts/" + key, TestStore.ADMIN_TOKEN).json();
        assertThat(rollout.get("enrolled").asInt()).isEqualTo(CAPACITY);
        assertThat(rollout.get("waitlisted").asInt()).isEqualTo(REQUESTS - CAPACITY);
        JsonNode stored = server.get("/api/v1/rollouts/" + key + "/enrollments?status=enrolled&limit=1000", TestStore.ADMIN_TOKEN).json();
        assertThat(stored.get("items")).hasSize(CAPACITY);

        // Advancing to capacity 50 admits the first 45 in line, in arrival order.
        JsonNode waitlist = server.get("/api/v1/rollouts/" + key + "/enrollments?status=waitlisted&limit=45", TestStore.ADMIN_TOKEN).json();
        List<String> firstInLine = new ArrayList<>();
        waitlist.get("items").forEach(e -> firstInLine.add(e.get("userId").asText()));
        assertThat(server.post("/api/v1/rollouts/" + key + "/advance", TestStore.ADMIN_TOKEN, "").status()).isEqualTo(200);
        JsonNode phase2 = server.get("/api/v1/rollouts/" + key + "/enrollments?status=enrolled&phase=2&limit=1000", TestStore.ADMIN_TOKEN).json();
        List<String> promoted = new ArrayList<>();
        phase2.get("items").forEach(e -> promoted.add(e.get("userId").asText()));
        assertThat(promoted).containsExactlyElementsOf(firstInLine);
    }
}
