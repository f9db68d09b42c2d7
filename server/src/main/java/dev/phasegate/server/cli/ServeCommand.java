package dev.phasegate.server.cli;

import dev.phasegate.server.Phasegate;
import dev.phasegate.server.config.Settings;
import dev.phasegate.server.config.SettingsLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code phasegate serve}: runs a node until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Phasegate server (embedded H2 store under --data-dir unless --db-url names PostgreSQL).",
        footer = {"", "Settings come from flags, then environment (PHASEGATE_PORT, PHASEGATE_DATA_DIR, PHASEGATE_DB_URL,",
                "PHASEGATE_DB_USER, PHASEGATE_DB_PASSWORD, PHASEGATE_ADMIN_TOKEN, ...), then the config file.",
                "Examples:", "  phasegate serve --port 9090",
                "  phasegate serve --db-url 'jdbc:postgresql://db:5432/phasegate?user=phasegate'"})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", description = "address to bind (default 0.0.0.0)")
    String host;
    @Option(names = "--port", description = "HTTP port (default 8080; 0 picks a free one)")
    String port;
    @Option(names = "--data-dir", description = "directory of the embedded store (default ./data)")
    String dataDir;
    @Option(names = "--db-url", description = "JDBC URL of PostgreSQL (or H2) instead of the embedded store")
    String dbUrl;
    @Option(names = "--prometheus-url", description = "Prometheus server that PromQL guards query, e.g. http://127.0.0.1:9090")
    String prometheusUrl;
    @Option(names = "--config", description = "YAML config file (default: PHASEGATE_CONFIG or ./phasegate.yaml if present)")
    Path config;

    @Override
    public Integer call() {
        Map<String, String> flags = new HashMap<>();
        putIf(flags, "host", host);
        putIf(flags, "port", port);
        putIf(flags, "dataDir", dataDir);
        putIf(flags, "dbUrl", dbUrl);
        putIf(flags, "prometheusUrl", prometheusUrl);
        Settings settings;
        try {
            settings = new SettingsLoader(flags, System.getenv(), config).load();
        } catch (SettingsLoader.InvalidSettingsException e) {
            System.err.println("phasegate: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        Phasegate node;
        try {
            node = Phasegate.start(settings, Clock.systemUTC(), System.out);
        } catch (RuntimeException e) {
            System.err.println("phasegate: cannot start: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        System.out.println("Phasegate is running on http://localhost:" + node.port() + "  (" + (settings.embedded() && settings.dbUrl() == null
                ? "embedded store in " + settings.dataDir().toAbsolutePath() : "store " + settings.jdbcUrl().replaceAll("(?i)password=[^&;]*", "password=***")) + ")");
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "phasegate-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private static void putIf(Map<String, String> flags, String name, String value) {
        if (value != null) {
            flags.put(name, value);
        }
    }
}
