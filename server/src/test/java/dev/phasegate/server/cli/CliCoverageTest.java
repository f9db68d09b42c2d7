package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands for events, metrics, guards, readiness, alerts, silences, incidents, rollbacks, actions,
 * notifications, SDKs and waiting, against a real server: tables, --json, and the exit codes scripts rely on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliCoverageTest {

    private static final String ADMIN = TestStore.ADMIN_TOKEN;

    private TestStore store;
    private TestServer server;
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }
    }

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    private Run run(String... args) {
        return runAs(ADMIN, new ByteArrayOutputStream(), args);
    }

    /** Runs a command in-process with {@code token}, capturing stdout and writing stderr to {@code err}. */
    private synchronized Run runAs(String token, ByteArrayOutputStream err, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", server.base(), "--token", token));
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new PhasegateCommand()).execute(all.toArray(String[]::new));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** A started rollout with phases of the given capacities and one enrolled user, "ann", the rules know about. */
    private void rollout(String key, int... capacities) {
        assertThat(server.putJson("/api/v1/rollouts/" + key, ADMIN, Plans.plan(key, capacities)).status()).isEqualTo(201);
        if (server.get("/api/v1/rollouts/" + key, ADMIN).json().path("state").asText().equals("draft")) {
            assertThat(server.post("/api/v1/rollouts/" + key + "/start", ADMIN, "").status()).isEqualTo(200);
        }
        assertThat(server.post("/api/v1/rollouts/" + key + "/enrollments", ADMIN,
                "{\"userId\":\"ann\",\"email\":\"ann@example.com\"}").status()).isEqualTo(201);
        server.awaitEnrolled(key, List.of("ann"));
    }

    @Test
    void events_are_sent_from_a_file_and_rejected_ones_are_listed_by_their_place_in_it() throws IOException {
        rollout("cli-ev", 5, 10);
        String now = Instant.now().toString();
        Path file = dir.resolve("events.ndjson");
        Files.writeString(file, String.join("\n",
                "{\"type\":\"request\",\"timestamp\":\"" + now + "\",\"userId\":\"ann\",\"rollout\":\"cli-ev\",\"latencyMs\":12,\"outcome\":\"ok\"}",
                "{\"type\":\"request\",\"timestamp\":\"" + now + "\",\"userId\":\"ann\",\"rollout\":\"cli-ev\",\"latencyMs\":-1,\"outcome\":\"ok\"}",
                "",
                "{\"type\":\"request\",\"timestamp\":\"" + now + "\",\"userId\":\"ann\",\"rollout\":\"cli-ev\",\"latencyMs\":30,\"outcome\":\"error\"}"));
        Run partly = run("events", "send", "--file", file.toString(), "--batch-size", "2");
        assertThat(partly.code()).as(partly.err()).isEqualTo(ExitCodes.INVALID);
        assertThat(partly.out()).contains("3 events: 2 stored, 1 rejected").containsPattern("(?m)^1 +latencyMs");
        assertThat(partly.err()).contains("100% 3/3");

        Path array = dir.resolve("events.json");
        Files.writeString(array, "[{\"type\":\"request\",\"timestamp\":\"" + now
                + "\",\"userId\":\"ann\",\"rollout\":\"cli-ev\",\"latencyMs\":5,\"outcome\":\"ok\"}]");
        Run ok = run("events", "send", "-f", array.toString(), "--json");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.json().path("stored").asInt()).isEqualTo(1);

        Files.writeString(array, "[{\"type\":\"nonsense\",\"timestamp\":\"" + now + "\"}]");
        Run none = run("events", "send", "-f", array.toString());
        assertThat(none.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(none.out()).contains("1 events: 0 stored, 1 rejected");
        Run ingestOnly = runAs(server.token("sdk"), new ByteArrayOutputStream(), "events", "send", "-f", array.toString());
        assertThat(ingestOnly.code()).isEqualTo(ExitCodes.AUTH);

        Run metrics = run("metrics", "cli-ev");
        assertThat(metrics.code()).as(metrics.err()).isZero();
        assertThat(metrics.out()).contains("COHORT").containsPattern("beta +3 +1 +33.33");
        assertThat(run("metrics", "cli-ev", "--phases").out()).contains("phase 1");
        assertThat(run("metrics", "cli-ev", "--json").json().path("beta").isArray()).isTrue();
        assertThat(run("metrics", "cli-ev", "--step", "7s").code()).isEqualTo(ExitCodes.INVALID);
        assertThat(run("metrics", "no-such-rollout").code()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void system_metrics_guards_decisions_and_readiness_answer_with_tables() {
        rollout("cli-g", 5, 10);
        Run system = run("system-metrics", "--step", "1m");
        assertThat(system.code()).as(system.err()).isZero();
        assertThat(system.out()).contains("CPU %");
        assertThat(run("system-metrics", "--step", "soon").code()).isEqualTo(ExitCodes.INVALID);

        assertThat(run("guards", "cli-g").out()).contains("cli-g (active)").contains("GUARD");
        assertThat(run("decisions", "cli-g").code()).isZero();
        assertThat(run("decisions", "cli-g", "--guard", "nope").code()).isEqualTo(ExitCodes.INVALID);
        assertThat(run("decision", "999999").code()).isEqualTo(ExitCodes.NOT_FOUND);

        Run readiness = run("readiness", "cli-g");
        assertThat(readiness.code()).isZero();
        assertThat(readiness.out()).contains("phase 1 (phase-1)").contains("min-duration").contains("enough-samples");
        assertThat(run("readiness", "cli-g", "--json").json().path("ready").isBoolean()).isTrue();
        assertThat(run("readiness", "no-such-rollout").code()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void alerts_and_silences_are_listed_created_and_expired() {
        assertThat(run("alert", "list").out()).contains("SEVERITY");
        assertThat(run("alert", "list", "--state", "boiling").code()).isEqualTo(ExitCodes.INVALID);
        assertThat(run("alert", "show", "999999").code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run("alert", "ack", "999999", "--comment", "x").code()).isEqualTo(ExitCodes.NOT_FOUND);

        Run added = run("silence", "add", "--match", "rollout=cli-s", "--match", "guard=~latency-.*", "--for", "1h", "--comment", "load test");
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("created silence").contains("rollout=cli-s, guard=~latency-.*");
        String id = added.out().replaceAll("(?s)created silence (\\d+).*", "$1");
        assertThat(run("silence", "list").out()).contains("load test").contains("guard=~latency-.*");
        assertThat(run("silence", "expire", id).out()).contains("expired silence " + id);
        assertThat(run("silence", "expire", id).code()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(run("silence", "list", "--expired", "--json").json().path("items").size()).isGreaterThanOrEqualTo(1);
        assertThat(run("silence", "add", "--match", "guard=~[", "--for", "1h", "--comment", "bad").code()).isEqualTo(ExitCodes.INVALID);
        assertThat(run("silence", "add", "--match", "rollout=x", "--comment", "no end").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void an_incident_is_opened_worked_resolved_and_reported() throws IOException {
        rollout("cli-i", 5);
        Run opened = run("incident", "open", "--rollout", "cli-i", "--severity", "sev3", "--title", "Checkout errors reported");
        assertThat(opened.code()).as(opened.err()).isZero();
        assertThat(opened.out()).startsWith("opened incident");
        String id = opened.out().replaceAll("(?s)opened incident (\\d+).*", "$1");
        assertThat(run("incident", "open", "--rollout", "cli-i", "--severity", "sev3", "--title", "again").out()).startsWith("joined incident " + id);
        assertThat(run("incident", "list", "--state", "open").out()).contains("Checkout errors reported").contains("sev3");
        assertThat(run("incident", "ack", id, "--note", "looking").out()).contains("is acknowledged");
        assertThat(run("incident", "ack", id).code()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(run("incident", "assign", id, "--assignee", "bob@example.com").out()).contains("assigned to bob@example.com");
        assertThat(run("incident", "comment", id, "--text", "error rate back to normal").out()).contains("added to incident " + id);
        assertThat(run("incident", "resolve", id, "--resolution", "config fixed").out()).contains("is resolved");
        Run shown = run("incident", "show", id);
        assertThat(shown.out()).contains("config fixed").contains("timeline:").contains("error rate back to normal");

        Run markdown = run("incident", "report", id);
        assertThat(markdown.code()).isZero();
        assertThat(markdown.out()).startsWith("# Incident " + id).contains("## Timeline");
        assertThat(run("incident", "report", id, "--json").json().path("summary").path("resolution").asText()).isEqualTo("config fixed");
        Path file = dir.resolve("report.md");
        assertThat(run("incident", "report", id, "--output", file.toString()).code()).isZero();
        assertThat(Files.readString(file)).contains("## Durations");

        assertThat(run("incident", "show", "999999").code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run("incident", "open", "--severity", "sev9", "--title", "x").code()).isEqualTo(ExitCodes.INVALID);
        assertThat(run("incident", "report", id, "--format", "pdf").code()).isEqualTo(ExitCodes.INVALID);
        Run noRights = runAs(server.token("sdk"), new ByteArrayOutputStream(), "incident", "list");
        assertThat(noRights.code()).isEqualTo(ExitCodes.AUTH);
    }

    @Test
    void rollback_runs_and_the_guardian_are_shown() {
        rollout("cli-r", 5, 10);
        assertThat(run("rollback", "cli-r", "--reason", "orders failing").code()).isZero();
        Run list = run("rollbacks", "list", "cli-r");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("person");
        String id = run("rollbacks", "list", "cli-r", "--json").json().path("items").get(0).path("id").asText();
        Run shown = run("rollbacks", "show", id);
        assertThat(shown.out()).contains("rollback run " + id + " of cli-r").contains("pause-enrollment").contains("orders failing");
        assertThat(run("rollbacks", "show", "999999").code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run("rollbacks", "list", "no-such-rollout").code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run("guardian", "cli-r").out()).contains("ACTION");
        assertThat(run("guardian", "cli-r", "--json").json().path("items").isArray()).isTrue();
    }

    @Test
    void actions_notifications_sdk_enrollment_and_health_are_offered() {
        rollout("cli-n", 5);
        assertThat(run("actions").out()).contains("RESULT");
        assertThat(run("actions", "--kind", "NOT A KIND").code()).isEqualTo(ExitCodes.INVALID);

        Run notifications = run("notification", "list", "--rollout", "cli-n");
        assertThat(notifications.code()).isZero();
        assertThat(notifications.out()).contains("RECIPIENT");
        JsonNode items = run("notification", "list", "--rollout", "cli-n", "--json").json().path("items");
        if (!items.isEmpty()) {
            assertThat(run("notification", "show", items.get(0).path("id").asText()).out()).contains("notification " + items.get(0).path("id").asText());
        }
        assertThat(run("notification", "show", "999999").code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run("notification", "show", "abc").code()).isEqualTo(ExitCodes.INVALID);
        assertThat(run("notification", "signing-key").out()).contains("HMAC-SHA256");
        assertThat(runAs(server.token("operator"), new ByteArrayOutputStream(), "notification", "signing-key").code())
                .isEqualTo(ExitCodes.AUTH);

        assertThat(run("sdk", "instances").out()).startsWith("rules version");
        assertThat(run("sdk", "rules").out()).contains("cli-n").contains("cli-n-f1");
        Run evaluated = run("evaluate", "cli-n-f1", "--user", "ann");
        assertThat(evaluated.code()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).containsPattern("cli-n-f1 +on +TARGETING_MATCH");
        assertThat(run("evaluate", "--user", "ann", "--json").json().path("flags").isArray()).isTrue();
        Run unknown = run("evaluate", "no-such-feature", "--user", "ann");
        assertThat(unknown.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknown.err()).contains("FLAG_NOT_FOUND");

        assertThat(run("enrollment", "cli-n", "ann").out()).contains("ann enrolled in phase 1").contains("ann@example.com");
        assertThat(run("enrollment", "cli-n", "nobody").code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run("health").out()).isEqualTo("live: ok, ready: ready" + System.lineSeparator());
    }

    @Test
    void wait_phase_shows_where_the_rollout_is_and_ends_when_it_gets_there() {
        rollout("cli-w", 5, 10);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        CompletableFuture<Run> waiting = CompletableFuture.supplyAsync(() ->
                runAs(ADMIN, progress, "wait-phase", "cli-w", "--phase", "2", "--interval", "50ms", "--timeout", "60s"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> progress.toString(StandardCharsets.UTF_8).contains("waiting for cli-w"));
        assertThat(server.post("/api/v1/rollouts/cli-w/advance", ADMIN, "").status()).isEqualTo(200);
        Run done = waiting.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        assertThat(done.code()).as(done.err()).isZero();
        assertThat(done.err()).contains("waiting for cli-w to reach phase 2: active in phase 1/2 (phase-1), 1/5 enrolled")
                .contains("not met");
        assertThat(done.out()).contains("cli-w reached phase 2 (active in phase 2/2");

        assertThat(run("wait-phase", "cli-w", "--phase", "2").code()).isZero();
        assertThat(run("wait-phase", "cli-w", "--phase", "3").code()).isEqualTo(ExitCodes.INVALID);
        assertThat(run("wait-phase", "no-such-rollout", "--phase", "2").code()).isEqualTo(ExitCodes.NOT_FOUND);
        Run timedOut = run("wait-phase", "cli-w", "--state", "paused", "--interval", "50ms", "--timeout", "200ms");
        assertThat(timedOut.code()).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(timedOut.err()).contains("timed out after 200ms");
        assertThat(run("complete", "cli-w").code()).isZero();
        Run never = run("wait-phase", "cli-w", "--state", "active");
        assertThat(never.code()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(never.err()).contains("it is completed");
        assertThat(run("wait-phase", "cli-w", "--state", "completed", "--json").json().path("state").asText()).isEqualTo("completed");
        assertThat(run("wait-phase", "cli-w").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void every_command_has_help_with_an_example_and_completion_is_generated() {
        CommandLine root = new CommandLine(new PhasegateCommand());
        List<String> withoutExample = new ArrayList<>();
        collect(root, withoutExample);
        assertThat(withoutExample).isEmpty();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        synchronized (this) {
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                assertThat(new CommandLine(new PhasegateCommand()).execute("generate-completion")).isZero();
            } finally {
                System.setOut(old);
            }
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("wait-phase").contains("incident").contains("silence");
    }

    /** A command's help shows an example when its footer, or its group's (token create: token), has one. */
    private static void collect(CommandLine command, List<String> withoutExample) {
        String name = command.getCommandName();
        if (!name.equals("help") && !name.equals("generate-completion") && !hasExample(command)
                && (command.getParent() == null || !hasExample(command.getParent()))) {
            withoutExample.add(command.getCommandSpec().qualifiedName());
        }
        command.getSubcommands().values().forEach(sub -> collect(sub, withoutExample));
    }

    private static boolean hasExample(CommandLine command) {
        return java.util.Arrays.stream(command.getCommandSpec().usageMessage().footer()).anyMatch(l -> l.contains("phasegate "));
    }
}
