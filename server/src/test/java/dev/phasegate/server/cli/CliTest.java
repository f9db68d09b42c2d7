package dev.phasegate.server.cli;

import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI against a real server: output, progress and exit codes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTest {

    private TestStore store;
    private TestServer server;
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
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

    /** Runs a client command in-process, capturing stdout and stderr. */
    private synchronized Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.get(0).equals("serve")) {
            all.addAll(List.of("--server", server.base(), "--token", TestStore.ADMIN_TOKEN));
        }
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = PhasegateCommand.commandLine().execute(all.toArray(String[]::new));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void an_unreachable_server_exits_7_and_says_where_it_looked() {
        int port = dev.phasegate.server.testing.TestPrometheus.freePort();
        List<String> args = List.of("rollouts", "--server", "http://127.0.0.1:" + port, "--token", TestStore.ADMIN_TOKEN);
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(PhasegateCommand.commandLine().execute(args.toArray(String[]::new))).isEqualTo(ExitCodes.UNREACHABLE);
        } finally {
            System.setErr(oldErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach the Phasegate server at http://127.0.0.1:" + port);
    }

    @Test
    void rollback_starts_the_runbook_then_joins_it_and_needs_a_reason() throws IOException {
        Path plan = dir.resolve("rollback.yaml");
        Files.writeString(plan, "rollout: cli-rb\nphases:\n  - {name: a, capacity: 5, features: [cli-rb-a]}\n"
                + "  - {name: b, capacity: 9, features: [cli-rb-b]}\nguards: [{name: e, metric: error-rate, warning: 1, critical: 2}]\n"
                + "runbook: {steps: [verify-recovery, disable-features], verifyFor: 1m, verifyTimeout: 10m}\n");
        assertThat(run("apply", "-f", plan.toString()).code()).isEqualTo(ExitCodes.OK);

        assertThat(run("rollback", "cli-rb").code()).as("--reason is required").isEqualTo(ExitCodes.USAGE);
        Run started = run("rollback", "cli-rb", "--reason", "orders failing", "--severity", "sev1");
        assertThat(started.code()).as(started.out() + started.err()).isEqualTo(ExitCodes.OK);
        assertThat(started.out()).contains("rollback started: run").contains("verify-recovery");
        Run joined = run("rollback", "cli-rb", "--reason", "me too", "--json");
        assertThat(joined.code()).as("verify-recovery waits for the guard's data: " + joined.out() + joined.err()).isEqualTo(ExitCodes.OK);
        assertThat(joined.out()).contains("\"joined\" : true");
        assertThat(run("rollback", "no-such-rollout", "--reason", "x").code()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void apply_with_dry_run_prints_the_changes_and_writes_nothing() throws IOException {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, dev.phasegate.server.testing.Plans.referenceYaml().replace("trading-engine-v2", "cli-dry")
                .replaceAll("(basic-trading|portfolio-view|ai-analysis|advanced-strategies)", "dry-$1"));
        Run dry = run("apply", "-f", plan.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("dry run: would create rollout cli-dry").contains("4 phases");
        assertThat(run("rollout", "cli-dry").code()).isEqualTo(ExitCodes.NOT_FOUND);

        Run applied = run("apply", "-f", plan.toString());
        assertThat(applied.code()).isZero();
        assertThat(applied.out()).contains("created rollout cli-dry").contains("phase 1 of 4 (pilot)");
        Run shown = run("rollout", "cli-dry");
        assertThat(shown.out()).contains("pilot", "early-access", "dry-ai-analysis", "◀ current");

        Files.writeString(plan, Files.readString(plan).replace("capacity: 15", "capacity: 20"));
        Run change = run("apply", "-f", plan.toString(), "--dry-run");
        assertThat(change.out()).contains("dry run: would update rollout cli-dry").contains("phase 2 capacity: 15 → 20");
        assertThat(run("apply", "-f", plan.toString()).out()).contains("updated rollout cli-dry");
        assertThat(run("apply", "-f", plan.toString(), "--dry-run").out()).startsWith("rollout cli-dry unchanged");
    }

    @Test
    void enroll_from_csv_shows_progress_and_a_summary() throws IOException {
        Path csv = dir.resolve("users.csv");
        StringBuilder sb = new StringBuilder("userId,email,desk\n");
        for (int i = 0; i < 2500; i++) {
            sb.append("csv-").append(i).append(",csv").append(i).append("@example.com,fx\n");
        }
        Files.writeString(csv, sb.toString());
        Run r = run("enroll", "csv-rollout-missing", "--csv", csv.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND);

        server.putJson("/api/v1/rollouts/csv", TestStore.ADMIN_TOKEN, dev.phasegate.server.testing.Plans.plan("csv", 1000, 3000));
        Run ok = run("enroll", "csv", "--csv", csv.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.err()).contains("100% 2500/2500");
        assertThat(ok.out()).contains("2500 users: 1000 enrolled, 1500 waitlisted, 0 already there");
        assertThat(server.get("/api/v1/rollouts/csv/enrollments/csv-3", TestStore.ADMIN_TOKEN).json().get("attributes").get("desk").asText())
                .isEqualTo("fx");
    }

    @Test
    void transitions_refused_by_the_state_machine_exit_with_the_conflict_code() {
        server.putJson("/api/v1/rollouts/cli-t", TestStore.ADMIN_TOKEN, dev.phasegate.server.testing.Plans.plan("cli-t", 1, 2));
        assertThat(run("pause", "cli-t", "--reason", "checking").code()).isZero();
        Run refused = run("advance", "cli-t");
        assertThat(refused.code()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(refused.err()).contains("cannot advance rollout 'cli-t' while it is paused");
        assertThat(run("resume", "cli-t").code()).isZero();
        Run advanced = run("advance", "cli-t", "--json");
        assertThat(advanced.code()).isZero();
        assertThat(advanced.out()).contains("\"currentPhase\" : 2");
    }

    @Test
    void features_and_kill_switch_and_audit_work_from_the_command_line() {
        server.putJson("/api/v1/rollouts/cli-f", TestStore.ADMIN_TOKEN, dev.phasegate.server.testing.Plans.plan("cli-f", 1, 2));
        assertThat(run("enroll", "cli-f", "--user", "zoe", "--email", "zoe@example.com").out()).contains("zoe enrolled in phase 1");
        assertThat(run("features", "cli-f", "zoe").out()).contains("cli-f-f1").contains("enrolled-phase");
        assertThat(run("kill-switch", "cli-f-f1", "--on").code()).isEqualTo(ExitCodes.INVALID);
        assertThat(run("kill-switch", "cli-f-f1", "--on", "--reason", "broken").out()).contains("ON");
        assertThat(run("features", "cli-f", "zoe").out()).contains("kill-switch");
        assertThat(run("audit", "--rollout", "cli-f").out()).contains("kill-switch.on").contains("enrollment.created");
        assertThat(run("leave", "cli-f", "zoe").out()).contains("zoe left");
    }

    @Test
    void tokens_are_created_once_and_listed_without_secrets() {
        Run created = run("token", "create", "--kind", "sdk", "--name", "checkout");
        assertThat(created.code()).isZero();
        String secret = created.out().lines().filter(l -> l.startsWith("secret")).findFirst().orElseThrow().replaceAll(".*: ", "");
        assertThat(secret).startsWith("phg_");
        Run list = run("token", "list");
        assertThat(list.out()).contains("checkout").doesNotContain(secret);
        assertThat(run("token", "create", "--kind", "root").code()).isEqualTo(ExitCodes.INVALID);
    }

    @Test
    void a_wrong_token_exits_with_the_auth_code_and_an_unreachable_server_with_its_own() {
        Run r = new CliTest.Runner().run("rollouts", "--server", server.base(), "--token", "phg_wrong-token-xxxxxxxxxxxxxxxxxxxx");
        assertThat(r.code()).isEqualTo(ExitCodes.AUTH);
        Run down = new CliTest.Runner().run("rollouts", "--server", "http://127.0.0.1:1", "--token", "x");
        assertThat(down.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(down.err()).contains("cannot reach the Phasegate server");
    }

    @Test
    void serve_refuses_a_bad_setting_with_the_usage_code_and_names_it() {
        Run r = new CliTest.Runner().run("serve", "--port", "not-a-port");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--port").contains("not-a-port");
    }

    /** Runs a command without adding the test server's options. */
    private final class Runner {
        Run run(String... args) {
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            synchronized (CliTest.this) {
                try {
                    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                    CommandLine cl = new CommandLine(new PhasegateCommand());
                    cl.setErr(new java.io.PrintWriter(System.err, true));
                    int code = cl.setExecutionExceptionHandler((e, cmd, parse) -> {
                        cmd.getErr().println("error: " + e.getMessage());
                        return ExitCodes.FAILED;
                    }).execute(args);
                    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
                } finally {
                    System.setOut(oldOut);
                    System.setErr(oldErr);
                }
            }
        }
    }
}
