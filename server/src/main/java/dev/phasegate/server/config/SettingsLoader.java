package dev.phasegate.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.phasegate.core.plan.Durations;
import dev.phasegate.server.limit.RateLimit;
import dev.phasegate.server.limit.TrustedProxies;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds {@link Settings} from three sources, the first that has a setting winning: command-line flags,
 * environment ({@code PHASEGATE_*}), then a YAML config file ({@code --config} / {@code PHASEGATE_CONFIG},
 * or {@code phasegate.yaml} in the working directory if present). A bad value stops the start with a
 * message naming the setting, its source and the value.
 */
public final class SettingsLoader {

    /** Setting name (as in the config file) → environment variable. */
    private static final Map<String, String> ENV = Map.ofEntries(
Map.entry("host", "PHASEGATE_HOST"),
            Map.entry("port", "PHASEGATE_PORT"),
            Map.entry("dataDir", "PHASEGATE_DATA_DIR"),
            Map.entry("dbUrl", "PHASEGATE_DB_URL"),
            Map.entry("dbUser", "PHASEGATE_DB_USER"),
            Map.entry("dbPassword", "PHASEGATE_DB_PASSWORD"),
            Map.entry("dbPoolSize", "PHASEGATE_DB_POOL_SIZE"),
            Map.entry("adminToken", "PHASEGATE_ADMIN_TOKEN"),
            Map.entry("maxBodyBytes", "PHASEGATE_MAX_BODY_BYTES"),
            Map.entry("maxFutureSkew", "PHASEGATE_MAX_FUTURE_SKEW"),
            Map.entry("maxEventAge", "PHASEGATE_MAX_EVENT_AGE"),
            Map.entry("retention", "PHASEGATE_RETENTION"),
            Map.entry("memoryWindow", "PHASEGATE_MEMORY_WINDOW"),
            Map.entry("hostSampleInterval", "PHASEGATE_HOST_SAMPLE_INTERVAL"),
            Map.entry("guardInterval", "PHASEGATE_GUARD_INTERVAL"),
            Map.entry("prometheusUrl", "PHASEGATE_PROMETHEUS_URL"),
            Map.entry("metricsPublic", "PHASEGATE_METRICS_PUBLIC"),
            Map.entry("smtpHost", "PHASEGATE_SMTP_HOST"),
            Map.entry("smtpPort", "PHASEGATE_SMTP_PORT"),
            Map.entry("smtpFrom", "PHASEGATE_SMTP_FROM"),
            Map.entry("smtpUser", "PHASEGATE_SMTP_USER"),
            Map.entry("smtpPassword", "PHASEGATE_SMTP_PASSWORD"),
            Map.entry("smtpStartTls", "PHASEGATE_SMTP_START_TLS"),
            Map.entry("webhookSecret", "PHASEGATE_WEBHOOK_SECRET"),
            Map.entry("webhookTimeout", "PHASEGATE_WEBHOOK_TIMEOUT"),
            Map.entry("publicUrl", "PHASEGATE_PUBLIC_URL"),
            Map.entry("insufficientDataGrace", "PHASEGATE_INSUFFICIENT_DATA_GRACE"),
            Map.entry("ingestPerSecond", "PHASEGATE_INGEST_PER_SECOND"),
            Map.entry("ingestBurst", "PHASEGATE_INGEST_BURST"),
            Map.entry("evaluationPerSecond", "PHASEGATE_EVALUATION_PER_SECOND"),
            Map.entry("evaluationBurst", "PHASEGATE_EVALUATION_BURST"),
            Map.entry("signInFailuresPerName", "PHASEGATE_SIGN_IN_FAILURES_PER_NAME"),
            Map.entry("signInFailuresPerAddress", "PHASEGATE_SIGN_IN_FAILURES_PER_ADDRESS"),
            Map.entry("trustedProxies", "PHASEGATE_TRUSTED_PROXIES"));

    private static final Set<String> KNOWN = ENV.keySet();

    private final Map<String, String> flags;
    private final Map<String, String> env;
    private final Path configFile;
    private final JsonNode file;

    /**
     * @param flags      settings given as flags, by setting name; absent ones are not in the map
     * @param env        the environment
     * @param configFile an explicit config file, or null to use {@code PHASEGATE_CONFIG} or ./phasegate.yaml if present
     */
    public SettingsLoader(Map<String, String> flags, Map<String, String> env, Path configFile) {
        this.flags = flags;
        this.env = env;
        Path chosen = configFile;
        boolean explicit = configFile != null;
        if (chosen == null && env.get("PHASEGATE_CONFIG") != null) {
            chosen = Path.of(env.get("PHASEGATE_CONFIG"));
            explicit = true;
        }
        if (chosen == null && Files.exists(Path.of("phasegate.yaml"))) {
            chosen = Path.of("phasegate.yaml");
        }
        this.configFile = chosen;
        this.file = chosen == null ? null : readFile(chosen, explicit);
    }

    public Settings load() {
        List<String> errors = new ArrayList<>();
        if (file != null) {
            for (Iterator<String> it = file.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!KNOWN.contains(name)) {
                    errors.add("config file " + configFile + ": unknown setting '" + name + "'; known: " + String.join(", ", KNOWN.stream().sorted().toList()));
                }
            }
        }
        String host = text("host", Settings.DEFAULT_HOST);
        int port = integer("port", Settings.DEFAULT_PORT, 0, 65535, errors);
        Path dataDir = Path.of(text("dataDir", Settings.DEFAULT_DATA_DIR));
        String dbUrl = text("dbUrl", null);
        if (dbUrl != null && !(dbUrl.startsWith("jdbc:postgresql:") || dbUrl.startsWith("jdbc:h2:"))) {
            errors.add(describe("dbUrl") + " must be a jdbc:postgresql: or jdbc:h2: URL, was '" + dbUrl.replaceAll("password=[^&;]*", "password=***") + "'");
        }
        int pool = integer("dbPoolSize", Settings.DEFAULT_POOL_SIZE, 1, 200, errors);
        long maxBody = longValue("maxBodyBytes", Settings.DEFAULT_MAX_BODY_BYTES, 1024, 1L << 30, errors);
        String adminToken = text("adminToken", null);
        if (adminToken != null && adminToken.length() < 22) {
            // 22 base64url characters carry 128 bits: anything shorter is guessable.
            errors.add(describe("adminToken") + " is too short: use at least 22 random characters (128 bits)");
        }
        Monitoring monitoring = monitoring(errors);
        Notifications notifications = notifications(errors);
        Limits limits = limits(errors);
        if (!errors.isEmpty()) {
            throw new InvalidSettingsException(errors);
        }
        return new Settings(host, port, dataDir, dbUrl, text("dbUser", null), text("dbPassword", null), pool, adminToken,
                maxBody, monitoring, notifications, limits);
    }

    private Limits limits(List<String> errors) {
        RateLimit ingest = new RateLimit(integer("ingestPerSecond", Limits.DEFAULT_INGEST.requests(), 1, 10_000_000, errors),
                integer("ingestBurst", Limits.DEFAULT_INGEST.burst(), 1, 10_000_000, errors));
        RateLimit evaluation = new RateLimit(integer("evaluationPerSecond", Limits.DEFAULT_EVALUATION.requests(), 1, 100_000_000, errors),
                integer("evaluationBurst", Limits.DEFAULT_EVALUATION.burst(), 1, 100_000_000, errors));
        // Counted per minute, all of a minute's allowance usable at once.
        int perName = integer("signInFailuresPerName", Limits.DEFAULT_SIGN_IN_PER_NAME.requests(), 1, 100_000, errors);
        int perAddress = integer("signInFailuresPerAddress", Limits.DEFAULT_SIGN_IN_PER_ADDRESS.requests(), 1, 100_000, errors);
        TrustedProxies proxies = TrustedProxies.NONE;
        try {
            proxies = TrustedProxies.parse(text("trustedProxies", null));
        } catch (IllegalArgumentException e) {
            errors.add(describe("trustedProxies") + ": " + e.getMessage());
        }
        return new Limits(ingest, evaluation, new RateLimit(perName, Duration.ofMinutes(1), perName),
                new RateLimit(perAddress, Duration.ofMinutes(1), perAddress), proxies);
    }

    private Notifications notifications(List<String> errors) {
        String smtpHost = text("smtpHost", null);
        int smtpPort = integer("smtpPort", Notifications.DEFAULT_SMTP_PORT, 1, 65535, errors);
        String from = text("smtpFrom", Notifications.DEFAULT_SMTP_FROM);
        if (!from.matches("[^@\\s]+@[^@\\s]+")) {
            errors.add(describe("smtpFrom") + " must be an email address, was '" + from + "'");
        }
        boolean startTls = bool("smtpStartTls", false, errors);
        String secret = text("webhookSecret", null);
        if (secret != null && secret.length() < 22) {
            errors.add(describe("webhookSecret") + " is too short: use at least 22 random characters (128 bits)");
        }
        Duration timeout = duration("webhookTimeout", Notifications.DEFAULT_WEBHOOK_TIMEOUT, Duration.ofMillis(100), errors);
        URI publicUrl = httpUrl("publicUrl", "https://phasegate.example.com", errors);
        Duration grace = duration("insufficientDataGrace", Notifications.DEFAULT_INSUFFICIENT_DATA_GRACE, Duration.ZERO, errors);
        return new Notifications(smtpHost, smtpPort, from, text("smtpUser", null), text("smtpPassword", null), startTls,
                secret, timeout, publicUrl, grace);
    }

    private boolean bool(String name, boolean fallback, List<String> errors) {
        String raw = text(name, null);
        if (raw == null) {
            return fallback;
        }
        if (raw.strip().equalsIgnoreCase("true") || raw.strip().equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw.strip());
        }
        errors.add(describe(name) + " must be true or false, was '" + raw + "'");
        return fallback;
    }

    private URI httpUrl(String name, String example, List<String> errors) {
        String raw = text(name, null);
        if (raw == null) {
            return null;
        }
        try {
            URI uri = new URI(raw.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        errors.add(describe(name) + " must be an http(s) URL such as " + example + ", was '" + raw + "'");
        return null;
    }

    private Monitoring monitoring(List<String> errors) {
        Duration skew = duration("maxFutureSkew", Monitoring.DEFAULT_MAX_FUTURE_SKEW, Duration.ZERO, errors);
        Duration age = duration("maxEventAge", Monitoring.DEFAULT_MAX_EVENT_AGE, Duration.ofSeconds(10), errors);
        Duration retention = duration("retention", Monitoring.DEFAULT_RETENTION, Duration.ofHours(1), errors);
        Duration memory = duration("memoryWindow", Monitoring.DEFAULT_MEMORY_WINDOW, Duration.ofMinutes(1), errors);
        Duration host = duration("hostSampleInterval", Monitoring.DEFAULT_HOST_SAMPLE_INTERVAL, Duration.ofSeconds(1), errors);
        Duration guard = duration("guardInterval", Monitoring.DEFAULT_GUARD_INTERVAL, Duration.ofMillis(100), errors);
        if (age.compareTo(retention) > 0) {
            errors.add(describe("maxEventAge") + " (" + Durations.format(age) + ") must not exceed retention ("
                    + Durations.format(retention) + "): such events would be purged as they arrive");
        }
        URI prometheus = httpUrl("prometheusUrl", "http://127.0.0.1:9090", errors);
        boolean metricsPublic = bool("metricsPublic", false, errors);
        return new Monitoring(skew, age, retention, memory, host, guard, prometheus, metricsPublic);
    }

    private Duration duration(String name, Duration fallback, Duration min, List<String> errors) {
        String raw = text(name, null);
        if (raw == null) {
            return fallback;
        }
        Optional<Duration> parsed = Durations.parse(raw.strip());
        if (parsed.isEmpty()) {
            errors.add(describe(name) + " must be a duration such as 500ms, 10s, 5m, 1h or 30d, was '" + raw + "'");
            return fallback;
        }
        if (parsed.get().compareTo(min) < 0) {
            errors.add(describe(name) + " must be at least " + Durations.format(min) + ", was '" + raw + "'");
            return fallback;
        }
        return parsed.get();
    }

    private String text(String name, String fallback) {
        if (flags.get(name) != null) {
            return flags.get(name);
        }
        if (env.get(ENV.get(name)) != null && !env.get(ENV.get(name)).isEmpty()) {
            return env.get(ENV.get(name));
        }
        if (file != null && file.hasNonNull(name)) {
            return file.get(name).asText();
        }
        return fallback;
    }

    private String describe(String name) {
        if (flags.get(name) != null) {
            return "--" + kebab(name);
        }
        if (env.get(ENV.get(name)) != null && !env.get(ENV.get(name)).isEmpty()) {
            return ENV.get(name);
        }
        return "'" + name + "' in " + configFile;
    }

    private int integer(String name, int fallback, int min, int max, List<String> errors) {
        return (int) longValue(name, fallback, min, max, errors);
    }

    private long longValue(String name, long fallback, long min, long max, List<String> errors) {
        String raw = text(name, null);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.strip());
            if (value < min || value > max) {
                errors.add(describe(name) + " must be between " + min + " and " + max + ", was " + value);
                return fallback;
            }
            return value;
        } catch (NumberFormatException e) {
            errors.add(describe(name) + " must be a whole number, was '" + raw + "'");
            return fallback;
        }
    }

    private static JsonNode readFile(Path path, boolean explicit) {
        if (!Files.exists(path)) {
            if (explicit) {
                throw new InvalidSettingsException(List.of("config file " + path + " does not exist"));
            }
            return null;
        }
        try {
            JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                throw new InvalidSettingsException(List.of("config file " + path + " must be a YAML mapping of setting: value"));
            }
            return node;
        } catch (IOException e) {
            throw new InvalidSettingsException(List.of("config file " + path + " cannot be read: " + e.getMessage()));
        }
    }

    static String kebab(String name) {
        return name.replaceAll("([A-Z])", "-$1").toLowerCase();
    }

    /** One or more settings are wrong; the message lists each. */
    public static final class InvalidSettingsException extends RuntimeException {
        private final List<String> errors;

        public InvalidSettingsException(List<String> errors) {
            super("invalid settings:\n  - " + String.join("\n  - ", errors));
            this.errors = List.copyOf(errors);
        }

        public List<String> errors() {
            return errors;
        }
    }
}
