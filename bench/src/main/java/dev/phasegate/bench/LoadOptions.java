package dev.phasegate.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one run of {@link EnrollmentLoad} does. Each setting comes from an argument ({@code --clients=64}),
 * else from a system property ({@code -Dbench.clients=64}), else from its default.
 *
 * @param stores      the stores to measure, in order
 * @param clients     concurrent HTTP clients, each sending one request at a time
 * @param duration    the measured interval
 * @param warmup      load before the measured interval, with other user ids; its figures are discarded
 * @param capacity    the rollout's single phase capacity
 * @param postgresUrl where the PostgreSQL run creates its scratch schema
 * @param analyze     whether PostgreSQL's statistics are gathered after the warm-up (see {@link BenchNode#analyze()});
 *                    false measures a database that has never been analyzed
 */
record LoadOptions(List<Store> stores, int clients, Duration duration, Duration warmup, int capacity, String postgresUrl,
                   boolean analyze) {

    enum Store {
        H2, POSTGRES;

        String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The figures: 64 concurrent clients into a rollout of capacity 100,000. */
    static final int DEFAULT_CLIENTS = 64;
    static final int DEFAULT_CAPACITY = 100_000;
    /** 20 s measured after 5 s of warm-up: long enough for the JIT and the pools to settle, short enough to repeat. */
    static final int DEFAULT_DURATION_SECONDS = 20;
    static final int DEFAULT_WARMUP_SECONDS = 5;
    /** The PostgreSQL the tests use on this machine (see the parent POM, phasegate.postgresUrl). */
    static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    static final String USAGE = """
            usage: EnrollmentLoad [--store=h2|postgres|both] [--clients=N] [--duration=SECONDS] [--warmup=SECONDS]
                                  [--capacity=N] [--postgres-url=JDBC_URL] [--analyze=true|false]
              each also as a system property: -Dbench.store, -Dbench.clients, -Dbench.duration, -Dbench.warmup,
              -Dbench.capacity, -Dbench.postgresUrl, -Dbench.analyze. Defaults: both, %d, %d, %d, %d, %s, true
            """.formatted(DEFAULT_CLIENTS, DEFAULT_DURATION_SECONDS, DEFAULT_WARMUP_SECONDS, DEFAULT_CAPACITY, DEFAULT_POSTGRES_URL);

    /** Reads the options; throws {@link IllegalArgumentException} naming every bad setting and value. */
    static LoadOptions parse(String[] args, Map<String, String> properties) {
        Map<String, String> given = new java.util.HashMap<>();
        List<String> errors = new ArrayList<>();
        for (String arg : args) {
            // exec:java passes -Dexec.args="" as one empty argument.
            if (arg.isBlank()) {
                continue;
            }
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                errors.add("argument '" + arg + "' is not of the form --name=value");
                continue;
            }
            given.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        for (String name : List.copyOf(given.keySet())) {
            if (!List.of("store", "clients", "duration", "warmup", "capacity", "postgres-url", "analyze").contains(name)) {
                errors.add("unknown option --" + name);
            }
        }
        String store = setting(given, properties, "store", "bench.store", "both");
        List<Store> stores = switch (store.toLowerCase(Locale.ROOT)) {
            case "h2" -> List.of(Store.H2);
            case "postgres", "postgresql" -> List.of(Store.POSTGRES);
            case "both" -> List.of(Store.H2, Store.POSTGRES);
            default -> {
                errors.add("store '" + store + "' is not one of: h2, postgres, both");
                yield List.of();
            }
        };
        int clients = number(given, properties, "clients", "bench.clients", DEFAULT_CLIENTS, 1, 1024, errors);
        int duration = seconds(given, properties, "duration", "bench.duration", DEFAULT_DURATION_SECONDS, 1, 3600, errors);
        int warmup = seconds(given, properties, "warmup", "bench.warmup", DEFAULT_WARMUP_SECONDS, 0, 600, errors);
        int capacity = number(given, properties, "capacity", "bench.capacity", DEFAULT_CAPACITY, 1, 10_000_000, errors);
        String postgresUrl = setting(given, properties, "postgres-url", "bench.postgresUrl", DEFAULT_POSTGRES_URL);
        if (!postgresUrl.startsWith("jdbc:postgresql:")) {
            errors.add("postgres-url '" + postgresUrl + "' is not a jdbc:postgresql: URL");
        }
        String analyze = setting(given, properties, "analyze", "bench.analyze", "true");
        if (!analyze.equals("true") && !analyze.equals("false")) {
            errors.add("analyze '" + analyze + "' is not true or false");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new LoadOptions(stores, clients, Duration.ofSeconds(duration), Duration.ofSeconds(warmup), capacity, postgresUrl,
                analyze.equals("true"));
    }

    private static String setting(Map<String, String> given, Map<String, String> properties, String option, String property,
                                  String fallback) {
        String value = given.get(option);
        if (value == null) {
            value = properties.get(property);
        }
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static int number(Map<String, String> given, Map<String, String> properties, String option, String property,
                              int fallback, int min, int max, List<String> errors) {
        String raw = setting(given, properties, option, property, String.valueOf(fallback));
        try {
            int value = Integer.parseInt(raw.replace("_", "").replace(",", ""));
            if (value < min || value > max) {
                errors.add(option + " " + value + " is outside " + min + ".." + max);
            }
            return value;
        } catch (NumberFormatException e) {
            errors.add(option + " '" + raw + "' is not a whole number");
            return fallback;
        }
    }

    private static int seconds(Map<String, String> given, Map<String, String> properties, String option, String property,
                               int fallback, int min, int max, List<String> errors) {
        String raw = setting(given, properties, option, property, String.valueOf(fallback));
        Map<String, String> stripped = Map.of(option, raw.endsWith("s") ? raw.substring(0, raw.length() - 1) : raw);
        return number(stripped, Map.of(), option, property, fallback, min, max, errors);
    }
}
