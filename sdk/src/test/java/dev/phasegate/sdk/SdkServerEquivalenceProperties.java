package dev.phasegate.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Invariant 2 of the design: the SDK and the server return the same features for the same user and
 * rules. Over random plans (phases, capacities, percentages), enrollments, transitions and kill
 * switches, 10 plans × 10,000 random users = 100,000 users are evaluated by the server's API and by an
 * SDK that received the rules over the wire; every feature must agree in value and reason.
 */
class SdkServerEquivalenceProperties {

    private static final int USERS_PER_PLAN = 10_000;
    private static TestStore store;
    private static TestServer server;
    private static PhasegateClient sdk;
    private static final AtomicInteger plans = new AtomicInteger();

    @BeforeContainer
    static void start() throws InterruptedException {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        sdk = PhasegateClient.start(PhasegateConfig.builder(URI.create(server.base()), server.token("sdk"))
                .pollInterval(Duration.ofSeconds(1)).build());
        sdk.awaitReady(Duration.ofSeconds(10));
    }

    @AfterContainer
    static void stop() {
        sdk.close();
        server.close();
        store.close();
    }

    @Property(tries = 10, seed = "424242")
    void the_sdk_answers_exactly_what_the_server_answers(@ForAll Random random) throws Exception {
        String key = "eq-" + plans.incrementAndGet();
        String T = TestStore.ADMIN_TOKEN;
        int phaseCount = 1 + random.nextInt(4);
        List<Map<String, Object>> phases = new ArrayList<>();
        List<String> features = new ArrayList<>();
        int capacity = 0;
        for (int p = 0; p < phaseCount; p++) {
            capacity += 1 + random.nextInt(30);
            List<String> unlocked = new ArrayList<>();
            for (int f = 0; f < random.nextInt(3); f++) {
                String feature = key + "-p" + p + "f" + f;
                unlocked.add(feature);
                features.add(feature);
            }
            Map<String, Object> phase = new LinkedHashMap<>();
            phase.put("name", "phase-" + p);
            phase.put("capacity", capacity);
            phase.put("features", unlocked);
            phase.put("percentage", random.nextInt(4) == 0 ? 0 : random.nextInt(101));
            phases.add(phase);
        }
        boolean draft = random.nextInt(6) == 0;
        assertThat(server.putJson("/api/v1/rollouts/" + key, T, Map.of("rollout", key, "phases", phases,
                "start", draft ? "draft" : "active")).status()).isEqualTo(201);

        List<Map<String, Object>> beta = new ArrayList<>();
        for (int i = 0, n = random.nextInt(capacity + 20); i < n; i++) {
            beta.add(Map.of("userId", "b" + random.nextInt(100_000)));
        }
        if (!beta.isEmpty()) {
            server.postJson("/api/v1/rollouts/" + key + "/enrollments", T, Map.of("users", beta));
        }
        if (!draft) {
            for (int i = 0, advances = random.nextInt(phaseCount); i < advances; i++) {
                server.post("/api/v1/rollouts/" + key + "/advance", T, "");
            }
            switch (random.nextInt(5)) {
                case 0 -> server.post("/api/v1/rollouts/" + key + "/pause", T, "{\"withdrawFeatures\":" + random.nextBoolean() + "}");
                case 1 -> {
                    for (int i = 0; i < phaseCount; i++) {
                        server.post("/api/v1/rollouts/" + key + "/advance", T, "");
                    }
                    server.post("/api/v1/rollouts/" + key + "/complete", T, "");
                }
                default -> { }
            }
        }
        for (String feature : features) {
            if (random.nextInt(5) == 0) {
                server.put("/api/v1/features/" + feature + "/kill-switch", T, "{\"on\":true,\"reason\":\"property\"}", "application/json");
            }
        }
        // The committed version is the truth; the server republishes (and the SDK receives) asynchronously.
        long version;
        try (var c = java.sql.DriverManager.getConnection(store.settings().jdbcUrl());
             var rs = c.createStatement().executeQuery("SELECT version FROM rules_version")) {
            rs.next();
            version = rs.getLong(1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sdk.version() >= version);

        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS_PER_PLAN; i++) {
            // Mostly ids that may be enrolled, some never seen, some with non-ASCII characters.
            users.add(switch (random.nextInt(10)) {
                case 0 -> "stranger-" + random.nextLong();
                case 1 -> "ü-" + random.nextInt(1000) + "-日本";
                default -> "b" + random.nextInt(100_000);
            });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> checks = new ArrayList<>();
            for (String user : users) {
                checks.add(pool.submit(() -> {
                    String path = "/api/v1/rollouts/" + key + "/users/" + java.net.URLEncoder.encode(user, java.nio.charset.StandardCharsets.UTF_8)
                            .replace("+", "%20") + "/features";
                    JsonNode answer = server.get(path, T).json();
                    for (JsonNode f : answer.get("features")) {
                        Result local = sdk.evaluate(f.get("key").asText(), EvaluationContext.of(user));
                        assertThat(local.value()).as("%s %s for %s", key, f, user).isEqualTo(f.get("enabled").asBoolean());
                        assertThat(local.reason()).as("%s %s for %s", key, f, user).isEqualTo(f.get("reason").asText());
                    }
                    return null;
                }));
            }
            for (Future<?> check : checks) {
                check.get();
            }
        }
    }
}
