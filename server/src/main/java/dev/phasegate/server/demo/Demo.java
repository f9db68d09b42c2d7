package dev.phasegate.server.demo;

import dev.phasegate.core.gate.Evaluator;
import dev.phasegate.core.gate.Membership;
import dev.phasegate.core.gate.RolloutRules;
import dev.phasegate.core.gate.RulesSnapshot;
import dev.phasegate.core.rollout.RolloutState;
import dev.phasegate.server.Phasegate;
import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.config.Notifications;
import dev.phasegate.server.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code phasegate demo}: a node on a fresh embedded store, the demo plan applied, a simulated trading application
 * sending traffic, a fault injected in a beta feature once the rollout reaches phase 3, and the guardian's response
 * narrated on the console, then a timeline. The node keeps running after the story until {@link #close()}.
 *
 * <pre>{@code
 * try (Demo demo = Demo.start(new DemoOptions(8080, 10, null, 300, true, 42, 8025), Clock.systemUTC(), System.out)) {
 *     demo.awaitStory();   // or explore http://localhost:8080/ meanwhile
 * }
 * }</pre>
 */
public final class Demo implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Demo.class);

    /** The simulation plays its due simulated seconds this often: smooth traffic, few requests. */
    static final Duration TICK = Duration.ofMillis(200);
    /** The trading application re-reads the rules this often (with an ETag: a 304 when nothing changed). */
    static final Duration RULES_EVERY = Duration.ofSeconds(1);
    /** The fault comes 5 simulated minutes into phase 3: its new feature has been in use for a while. */
    static final long FAULT_AFTER_SECONDS = 5 * 60;
    /** The phase whose new feature fails. */
    static final int FAULT_PHASE = 3;
    /**
     * If phase 3 is not reached by 45 simulated minutes (it takes ~25 normally), the fault comes anyway, in the
     * newest feature of the phase the rollout is in, so the demo always shows the guardian at work.
     */
    static final long FAULT_DEADLINE_SECONDS = 45 * 60;
    /** After a stall (a paused laptop), at most this many simulated seconds are caught up, not a burst of hours. */
    static final long MAX_CATCH_UP_SECONDS = 30;

    private final DemoOptions options;
    private final Clock clock;
    private final PrintStream console;
    private final Path dataDir;
    private final boolean temporary;
    private final MailCatcher mail;
    private final Phasegate node;
    private final DemoApi api;
    private final String ingestToken;
    private final String sdkToken;
    private final TradingApp app;
    private final Story story;
    private final Narrator narrator;
    private final Instant start;
    private final ScheduledExecutorService loops;

    private volatile Evaluator rules = Evaluator.of(RulesSnapshot.EMPTY);
    private String rulesEtag;
    private Instant rulesReadAt;
    private long simSecond;
    private long phase3At = -1;
    private int faultPhase;
    private final List<TradingApp.Enrollment> joining = new ArrayList<>();
    private long failures;
    private volatile boolean summarized;
    private final java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);

    private Demo(DemoOptions options, Clock clock, PrintStream console, Path dataDir, boolean temporary, MailCatcher mail,
                 Phasegate node, String adminToken) {
        this.options = options;
        this.clock = clock;
        this.console = console;
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.mail = mail;
        this.node = node;
        this.api = new DemoApi("http://127.0.0.1:" + node.port(), adminToken);
        this.ingestToken = api.createToken("ingest", "demo trading application (telemetry)");
        this.sdkToken = api.createToken("sdk", "demo trading application (rules)");
        this.start = clock.instant();
        this.story = new Story(start, java.time.ZoneId.systemDefault());
        this.app = new TradingApp(DemoPlan.ROLLOUT, options.users(), new SplittableRandom(options.seed()));
        this.narrator = new Narrator(api, story, console, clock, app::tally);
        this.loops = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "phasegate-demo");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the mail catcher, the node and the simulation, and prints where to look. */
    public static Demo start(DemoOptions options, Clock clock, PrintStream console) throws IOException {
        boolean temporary = options.dataDir() == null;
        Path dataDir = temporary ? Files.createTempDirectory("phasegate-demo-") : freshDirectory(options.dataDir());
        MailCatcher mail = null;
        Phasegate node = null;
        try {
            mail = MailCatcher.start(options.mailPort(), clock);
            String adminToken = "phg_demo_" + Base64.getUrlEncoder().withoutPadding().encodeToString(new SecureRandom().generateSeed(24));
            node = Phasegate.start(settings(options, dataDir, adminToken, mail.smtpPort()), clock, console);
            Demo demo = new Demo(options, clock, console, dataDir, temporary, mail, node, adminToken);
            demo.begin(adminToken);
            return demo;
        } catch (IOException | RuntimeException e) {
            if (node != null) {
                node.close();
            }
            if (mail != null) {
                mail.close();
            }
            if (temporary) {
                delete(dataDir);
            }
            throw e;
        }
    }

    /** The demo's node: loopback only (the admin token is printed), email to the mail catcher, links to the dashboard. */
    static Settings settings(DemoOptions options, Path dataDir, String adminToken, int smtpPort) {
        URI publicUrl = options.port() == 0 ? null : URI.create("http://localhost:" + options.port() + "/");
        Notifications notifications = new Notifications("127.0.0.1", smtpPort, "phasegate-demo@localhost", null, null, false, null,
                Notifications.DEFAULT_WEBHOOK_TIMEOUT, publicUrl, Notifications.DEFAULT_INSUFFICIENT_DATA_GRACE);
        return new Settings("127.0.0.1", options.port(), dataDir, null, null, null, Settings.DEFAULT_POOL_SIZE, adminToken,
                Settings.DEFAULT_MAX_BODY_BYTES, Monitoring.DEFAULTS, notifications);
    }

    private static Path freshDirectory(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--data-dir " + dir + " is not empty: the demo needs a fresh store "
                            + "(name a new directory, or leave --data-dir out for a temporary one)");
                }
            }
        }
        return Files.createDirectories(dir);
    }

    private void begin(String adminToken) throws IOException {
        DemoPlan plan = new DemoPlan(options.speed(), options.users());
        Path planFile = dataDir.resolve("demo-plan.yaml");
        Files.writeString(planFile, plan.yaml());
        api.applyPlan(DemoPlan.ROLLOUT, plan.yaml());
        String base = "http://localhost:" + node.port();
        console.println();
        console.println("  Phasegate demo: a simulated trading application rolls out " + DemoPlan.ROLLOUT + " to its beta users.");
        console.println();
        console.println("  Dashboard      " + base + "/");
        console.println("  API            " + base + "/api/v1   (admin token below; e.g. curl -H \"Authorization: Bearer $PHASEGATE_TOKEN\" "
                + base + "/api/v1/rollouts/" + DemoPlan.ROLLOUT + ")");
        console.println("  Admin token    PHASEGATE_TOKEN=" + adminToken);
        printSignIn(console, base, node);
        console.println("  Mail catcher   http://localhost:" + mail.webPort() + "/   (every email Phasegate sends lands here)");
        console.println("  Plan           " + planFile + "   (examples/trading-engine.yaml, " + minutes(plan.minDuration())
                + " a phase, advancing by itself)");
        console.println("  Store          " + dataDir + (temporary ? "   (temporary: deleted when the demo stops)" : ""));
        console.println();
        console.println("  " + options.users() + " traders, " + Math.round(options.users() * TradingApp.BETA_SHARE)
                + " of whom ask to join the beta; time runs x" + options.speed() + ". "
                + (options.fault() ? "Once the rollout reaches phase " + FAULT_PHASE + ", a fault is injected in a beta feature."
                : "No fault will be injected (--no-fault)."));
        console.println("  Try: PHASEGATE_TOKEN=... PHASEGATE_URL=" + base + " ./phasegate features " + DemoPlan.ROLLOUT + " "
                + app.traders().stream().filter(t -> t.enrollAt() == 0).findFirst().orElseThrow().id());
        console.println();
        loops.scheduleAtFixedRate(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        loops.scheduleWithFixedDelay(this::narrate, 500, 1000, TimeUnit.MILLISECONDS);
    }

    /**
     * How to sign in to the dashboard. Connection point for the web UI's sign-in (issue 6): once its user store
     * exists, create a demo admin user here (a name and a generated password, like the admin token) and print
     * both; until then the dashboard takes the admin token.
     */
    /** A demo admin for the web UI, with a fresh random password printed once (the store is the demo's own). */
    static void printSignIn(PrintStream console, String base, Phasegate node) {
        byte[] secret = new byte[12];
        new java.security.SecureRandom().nextBytes(secret);
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        node.users().add("demo", dev.phasegate.server.user.Role.ADMIN, password, dev.phasegate.server.audit.Actor.SYSTEM);
        console.println("  Sign in        " + base + "/   as demo / " + password);
    }

    /** One tick of the trading application: rules, due simulated seconds, enrollments and telemetry. Never throws. */
    private void tick() {
        try {
            Instant now = clock.instant();
            if (rulesReadAt == null || Duration.between(rulesReadAt, now).compareTo(RULES_EVERY) >= 0) {
                rulesReadAt = now;
                api.rules(sdkToken, rulesEtag).ifPresent(r -> {
                    rules = Evaluator.of(r.snapshot());
                    rulesEtag = r.etag();
                });
            }
            long target = Duration.between(start, now).toMillis() * options.speed() / 1000;
            simSecond = Math.max(simSecond, target - MAX_CATCH_UP_SECONDS);
            List<Map<String, Object>> events = new ArrayList<>();
            TradingApp.Features features = features(rules);
            while (simSecond < target) {
                simSecond++;
                joining.addAll(app.enrollmentsDue(simSecond));
                events.addAll(app.second(now, features));
            }
            fault(now);
            if (!joining.isEmpty()) {
                List<TradingApp.Enrollment> batch = List.copyOf(joining);
                api.enroll(DemoPlan.ROLLOUT, batch);
                joining.clear();
            }
            for (List<Map<String, Object>> batch : Batches.split(events, Batches.MAX_EVENTS)) {
                api.sendEvents(ingestToken, batch);
            }
        } catch (RuntimeException e) {
            failures++;
            log.warn("demo trading application: a tick failed ({} so far); going on: {}", failures, e.toString());
        }
    }

    /** Injects the fault when its time has come, and stops it once the rollout no longer serves the feature. */
    private void fault(Instant now) {
        RolloutRules r = rollout(rules);
        if (r == null) {
            return;
        }
        if (options.fault() && !story.has(Story.FAULT)) {
            if (r.currentPhase() >= FAULT_PHASE && phase3At < 0) {
                phase3At = simSecond;
            }
            boolean due = phase3At >= 0 ? simSecond >= phase3At + FAULT_AFTER_SECONDS
                    : simSecond >= FAULT_DEADLINE_SECONDS && r.currentPhase() >= 2;
            if (due && r.state() == RolloutState.ACTIVE) {
                List<String> features = DemoPlan.featuresUpTo(r.currentPhase());
                String feature = features.getLast();
                faultPhase = r.currentPhase();
                app.injectFault(feature);
                story.record(Story.FAULT, now, "fault injected in " + feature + " (phase " + faultPhase + ")");
                console.println();
                console.println("[" + story.clock(now) + " " + story.offset(now) + "] *** FAULT INJECTED: " + feature
                        + " now fails " + Math.round(Action.FAULT_ERROR_RATE * 100) + " % of its requests and is "
                        + Math.round(Action.FAULT_LATENCY_FACTOR) + "x slower, for the beta users who have it. Watch the guardian. ***");
                console.println();
            }
        }
        String faulty = app.faultyFeature();
        if (faulty != null && (r.currentPhase() < faultPhase || r.featuresWithdrawn())) {
            app.clearFault();
            console.println("[" + story.clock(now) + " " + story.offset(now) + "] the fault is gone: " + faulty
                    + " is withdrawn, so no user reaches the failing code any more");
        }
    }

    private static RolloutRules rollout(Evaluator rules) {
        return rules.snapshot().rollouts().stream().filter(r -> r.key().equals(DemoPlan.ROLLOUT)).findFirst().orElse(null);
    }

    private static TradingApp.Features features(Evaluator rules) {
        RolloutRules r = rollout(rules);
        return new TradingApp.Features() {
            @Override
            public boolean enabled(String feature, String userId) {
                return rules.isEnabled(feature, userId);
            }

            @Override
            public boolean beta(String userId) {
                return r != null && r.membership(userId) == Membership.ENROLLED;
            }
        };
    }

    private void narrate() {
        narrator.tick();
        if (!summarized && storyComplete()) {
            summarized = true;
            console.println();
            console.print(story.summary());
            console.println();
            console.println("  The story is over; Phasegate and the trading application keep running. Explore:");
            console.println("    dashboard      http://localhost:" + node.port() + "/");
            console.println("    mail           http://localhost:" + mail.webPort() + "/");
            console.println("    incidents      curl -H \"Authorization: Bearer $PHASEGATE_TOKEN\" http://localhost:" + node.port()
                    + "/api/v1/incidents");
            console.println("  Ctrl-C stops the demo.");
            console.println();
            told.countDown();
        }
    }

    /** Whether the story has been told: the rollback finished after the fault, or (without a fault) the last phase reached. */
    boolean storyComplete() {
        if (!options.fault()) {
            return story.has(Story.LAST_PHASE);
        }
        return Stream.of(Story.FAULT, Story.ALERT_FIRING, Story.FEATURES_WITHDRAWN, Story.INCIDENT_OPENED, Story.USER_NOTICES,
                Story.CONTACT_NOTICES, Story.ROLLBACK_DONE).allMatch(story::has);
    }

    /** Waits until the story is told (the summary printed), or the thread is interrupted. */
    public void awaitStory() throws InterruptedException {
        told.await();
    }

    Story story() {
        return story;
    }

    /** The node's API with the admin token, for tests. */
    DemoApi api() {
        return api;
    }

    MailCatcher mail() {
        return mail;
    }

    public int port() {
        return node.port();
    }

    @Override
    public void close() {
        loops.shutdownNow();
        try {
            loops.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.close();
        mail.close();
        if (temporary) {
            delete(dataDir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("could not delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("could not delete the demo's store {}: {}", dir, e.toString());
        }
    }

    /** A duration as the console says it: {@code 1 min}, {@code 1 min 30 s}, {@code 6 s}. */
    static String minutes(Duration d) {
        long s = d.toSeconds();
        return s >= 60 && s % 60 == 0 ? s / 60 + " min" : s >= 60 ? "%d min %d s".formatted(s / 60, s % 60) : s + " s";
    }
}
