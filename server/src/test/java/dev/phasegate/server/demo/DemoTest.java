package dev.phasegate.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole demo in-process against a real node on a free port, at speed 60 with 60 traders: the story must
 * happen, checked through the node's own API and the mail catcher, not only through the narration.
 */
class DemoTest {

    private static List<JsonNode> items(JsonNode page) {
        return StreamSupport.stream(page.get("items").spliterator(), false).toList();
    }

    @Test
    void phases_advance_by_themselves_then_the_fault_is_caught_rolled_back_notified_and_an_incident_opened() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (Demo demo = Demo.start(new DemoOptions(0, 60, null, 60, true, 7, 0), Clock.systemUTC(), console)) {
            // About 70 s on an idle machine (3 phases of 10 s, 5 s of fault, ~15 s to fire, ~25 s to verify).
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(demo::storyComplete);
            DemoApi api = demo.api();

            List<JsonNode> advances = new ArrayList<>(items(api.get("/api/v1/audit?limit=1000&rollout=" + DemoPlan.ROLLOUT)).stream()
                    .filter(e -> e.get("action").asText().equals("rollout.advance")).toList());
            assertThat(advances).as("phase 1 → 2 → 3 by the guardian").hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(e -> assertThat(e.get("actor").asText()).isEqualTo("guardian"));

            assertThat(items(api.get("/api/v1/alerts?severity=critical&rollout=" + DemoPlan.ROLLOUT)))
                    .anySatisfy(a -> assertThat(a.hasNonNull("firedAt")).isTrue());

            JsonNode run = items(api.get("/api/v1/rollouts/" + DemoPlan.ROLLOUT + "/rollbacks")).getLast();
            assertThat(run.get("trigger").asText()).isEqualTo("guardian");
            assertThat(run.get("state").asText()).isEqualTo("done");
            assertThat(run.get("fromPhase").asInt()).isEqualTo(3);
            assertThat(run.hasNonNull("featuresDisabledAt")).isTrue();

            JsonNode rollout = api.get("/api/v1/rollouts/" + DemoPlan.ROLLOUT);
            assertThat(rollout.get("state").asText()).isEqualTo("rolled_back");
            assertThat(rollout.get("currentPhase").asInt()).isEqualTo(2);

            List<JsonNode> incidents = items(api.get("/api/v1/incidents?rollout=" + DemoPlan.ROLLOUT));
            assertThat(incidents).hasSize(1);
            assertThat(incidents.getFirst().get("state").asText()).isEqualTo("open");

            List<JsonNode> notices = items(api.get("/api/v1/notifications?limit=1000&rollout=" + DemoPlan.ROLLOUT));
            long withdrawn = notices.stream().filter(n -> n.get("kind").asText().equals("user.features-withdrawn")).count();
            assertThat(withdrawn).as("every enrolled beta user is told").isEqualTo(rollout.get("enrolled").asLong()).isPositive();
            assertThat(notices.stream().filter(n -> n.get("kind").asText().startsWith("contact."))
                    .map(n -> n.get("recipient").asText()).distinct())
                    .containsExactlyInAnyOrder("oncall@trading.example", "releases@trading.example");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(demo.mail().messages())
                    .filteredOn(m -> "user.features-withdrawn".equals(m.kind())).hasSize((int) withdrawn));

            assertThat(demo.story().at(Story.FAULT)).isPresent();
            assertThat(demo.story().at(Story.ALERT_FIRING).orElseThrow()).isAfterOrEqualTo(demo.story().at(Story.FAULT).orElseThrow());
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Admin token    PHASEGATE_TOKEN=phg_demo_", "*** FAULT INJECTED: advanced-strategies",
                "incident 1 opened", "Timeline", "fault injected in advanced-strategies (phase 3)");
    }
}
