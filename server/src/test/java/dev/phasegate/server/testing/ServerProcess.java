package dev.phasegate.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.http.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A Phasegate node as a real child process (a JVM on the test's own class path: what the shaded jar
 * holds, unshaded), for crash tests: it can be killed with SIGKILL and started again on the same store.
 */
public final class ServerProcess implements AutoCloseable {

    public static final String TOKEN = "phg_process-test-admin-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code phasegate serve} on {@code port} with the embedded store in {@code dataDir} and waits
     * (bounded) until it answers.
     *
     * @param env        extra environment (settings such as PHASEGATE_SMTP_HOST)
     * @param properties extra {@code -D} system properties (fault injection)
     */
    public static ServerProcess start(Path dataDir, int port, Map<String, String> env, List<String> properties, Path log)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(properties);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.phasegate.server.cli.PhasegateCommand", "serve",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--data-dir", dataDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PHASEGATE_ADMIN_TOKEN", TOKEN);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        ServerProcess server = new ServerProcess(pb.start(), port, log);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .failFast("the server exited; its log:\n" + server.logTail(), () -> !server.process.isAlive())
                .until(() -> server.call("GET", "/healthz", null).statusCode() == 200);
        return server;
    }

    /** A call with the admin token; a body that is not a JSON object or array is sent as YAML. */
    public HttpResponse<String> call(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN);
        if (json != null) {
            boolean isJson = json.isEmpty() || json.startsWith("{") || json.startsWith("[");
            b.header("Content-Type", isJson ? "application/json" : "application/yaml");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A call whose answer must be 2xx, read as JSON. */
    public JsonNode json(String method, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = call(method, path, json);
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook runs. Returns the exit status (137). */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        return process.exitValue();
    }

    /** Waits (bounded) for the process to stop by itself; returns its exit status. */
    public int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server did not exit within " + within + "; its log:\n" + logTail());
        }
        return process.exitValue();
    }

    public String logTail() {
        try {
            String text = Files.readString(log);
            return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
