package dev.phasegate.server.cli;

import dev.phasegate.server.http.Json;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code phasegate user ...} on the store a running server uses, and {@code phasegate report}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiCliTest {

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

    private synchronized Run run(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            int code = new CommandLine(new PhasegateCommand()).execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    private String dataDir() {
        return store.settings().dataDir().toString();
    }

    private int login(String name, String password) {
        return server.send(server.request("/ui/login", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("name", name, "password", password)))).build()).status();
    }

    @Test
    void user_commands_add_list_change_and_remove_people_directly_in_the_store() {
        Run added = run("first password 1\n", "user", "add", "alice", "--role", "operator", "--password-stdin", "--data-dir", dataDir());
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("added operator alice");
        assertThat(login("alice", "first password 1")).isEqualTo(200);

        Run again = run("first password 1\n", "user", "add", "alice", "--role", "viewer", "--password-stdin", "--data-dir", dataDir());
        assertThat(again.code()).isEqualTo(ExitCodes.CONFLICT);
        Run badRole = run("first password 1\n", "user", "add", "bob", "--role", "root", "--password-stdin", "--data-dir", dataDir());
        assertThat(badRole.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badRole.err()).contains("viewer, operator or admin");
        Run shortPassword = run("short\n", "user", "add", "bob", "--role", "viewer", "--password-stdin", "--data-dir", dataDir());
        assertThat(shortPassword.code()).isEqualTo(ExitCodes.INVALID);
        Run noTerminal = run(null, "user", "add", "bob", "--role", "viewer", "--data-dir", dataDir());
        assertThat(noTerminal.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noTerminal.err()).contains("--password-stdin");

        Run list = run(null, "user", "list", "--data-dir", dataDir());
        assertThat(list.out()).contains("NAME", "alice", "operator").doesNotContain("argon2");

        assertThat(run("second password 2\n", "user", "passwd", "alice", "--password-stdin", "--data-dir", dataDir()).code()).isZero();
        assertThat(login("alice", "first password 1")).isEqualTo(401);
        assertThat(login("alice", "second password 2")).isEqualTo(200);

        assertThat(run(null, "user", "remove", "alice", "--data-dir", dataDir()).code()).isZero();
        assertThat(login("alice", "second password 2")).isEqualTo(401);
        assertThat(run(null, "user", "remove", "alice", "--data-dir", dataDir()).code()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void report_writes_one_self_contained_html_file_with_the_data_escaped() throws IOException {
        Map<String, Object> plan = new java.util.LinkedHashMap<>(Plans.plan("cli-report", 5, 10));
        assertThat(server.putJson("/api/v1/rollouts/cli-report", TestStore.ADMIN_TOKEN, plan).status()).isEqualTo(201);
        server.postJson("/api/v1/rollouts/cli-report/enrollments", TestStore.ADMIN_TOKEN,
                Map.of("users", List.of(Map.of("userId", "ann"), Map.of("userId", "</script><script>alert(1)</script>"))));
        Path file = dir.resolve("out/report.html");
        Run report = run(null, "report", "--rollout", "cli-report", "--out", file.toString(), "--url", server.base(), "--token", TestStore.ADMIN_TOKEN);
        assertThat(report.code()).as(report.err()).isZero();
        String html = Files.readString(file);
        assertThat(html).startsWith("<!doctype html>").contains("<title>Phasegate report: cli-report</title>")
                .contains("<script type=\"application/json\" id=\"report-data\">").contains("uPlot")
                .contains("\"key\":\"cli-report\"");
        // Nothing is fetched from anywhere: no external script, stylesheet or image.
        assertThat(html).doesNotContainPattern("(src|href)=\"?(https?:)?//");
        assertThat(html).doesNotContain("<script src", "<link ");
        // Only the template's four script elements: no value from the data closes or opens one.
        assertThat(html.split("</script>", -1)).hasSize(4);

        Run missing = run(null, "report", "--rollout", "no-such", "--out", dir.resolve("x.html").toString(), "--url", server.base(),
                "--token", TestStore.ADMIN_TOKEN);
        assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(Files.exists(dir.resolve("x.html"))).isFalse();
    }
}
