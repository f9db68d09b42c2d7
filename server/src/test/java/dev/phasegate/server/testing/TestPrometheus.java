package dev.phasegate.server.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Prometheus server started from its binary for one test class: loopback, a free port, a temporary
 * config and TSDB, scraping the given targets every second. When no {@code prometheus} binary is found (on
 * the PATH or at {@code -Dphasegate.prometheusBinary=...}) the test is skipped with the reason, unless
 * {@code -Dphasegate.requirePrometheus=true} (CI), where it fails.
 */
public final class TestPrometheus implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final URI uri;

    private TestPrometheus(Process process, Path dir, URI uri) {
        this.process = process;
        this.dir = dir;
        this.uri = uri;
    }

    private static boolean required() {
        return Boolean.parseBoolean(System.getProperty("phasegate.requirePrometheus", "false"));
    }

    /** The binary to run, if there is one. */
    static Optional<Path> binary() {
        String configured = System.getProperty("phasegate.prometheusBinary");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/local/bin";
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "prometheus"))) {
                return Optional.of(Path.of(d, "prometheus"));
            }
        }
        return Optional.empty();
    }

    private static String lookedFor() {
        String configured = System.getProperty("phasegate.prometheusBinary");
        return configured != null && !configured.isBlank()
                ? "no executable prometheus binary at -Dphasegate.prometheusBinary=" + configured
                : "no prometheus binary on the PATH";
    }

    /** Why Prometheus tests cannot run here, or empty if they can (or must: then they fail instead). */
    public static Optional<String> skipReason() {
        if (required() || binary().isPresent()) {
            return Optional.empty();
        }
        String skip = lookedFor() + " (install it, e.g. apt-get install prometheus, or set "
                + "-Dphasegate.prometheusBinary=...): skipping the Prometheus tests";
        System.err.println("[phasegate tests] " + skip);
        return Optional.of(skip);
    }

    /** Starts Prometheus scraping {@code targets} ({@code host:port}, path /metrics) every second. */
    public static TestPrometheus start(List<String> targets) {
        Optional<Path> binary = binary();
        if (binary.isEmpty()) {
            String message = lookedFor();
            if (required()) {
                Assertions.fail(message + "; phasegate.requirePrometheus=true, so this is a failure, not a skip");
            }
            Assumptions.abort(message + ": skipping");
        }
        try {
            Path dir = Files.createTempDirectory("phasegate-prometheus-");
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: phasegate
                        metrics_path: /metrics
                        static_configs:
                          - targets: [%s]
                    """.formatted(targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))));
            int port = freePort();
            Process process = new ProcessBuilder(binary.get().toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            return new TestPrometheus(process, dir, URI.create("http://127.0.0.1:" + port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary.get() + ": " + e.getMessage(), e);
        }
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI uri() {
        return uri;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The server's own log, for failure messages. */
    public String log() {
        try {
            String log = Files.readString(dir.resolve("prometheus.log"));
            return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temporary files; the OS cleans up
        }
    }
}
