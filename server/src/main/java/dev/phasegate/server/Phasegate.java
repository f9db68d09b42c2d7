package dev.phasegate.server;

import dev.phasegate.server.action.ActionLog;
import dev.phasegate.server.action.ActionRoutes;
import dev.phasegate.server.action.Maintenance;
import dev.phasegate.server.action.Remediation;
import dev.phasegate.server.advance.AutoAdvancer;
import dev.phasegate.server.advance.Readiness;
import dev.phasegate.server.advance.ReadinessRoutes;
import dev.phasegate.server.alert.AlertBook;
import dev.phasegate.server.alert.AlertQuery;
import dev.phasegate.server.alert.AlertState;
import dev.phasegate.server.alert.AlertRoutes;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.audit.AuditRoutes;
import dev.phasegate.server.cluster.ClusterRoutes;
import dev.phasegate.server.cluster.Leadership;
import dev.phasegate.server.cluster.NodeId;
import dev.phasegate.server.cluster.RulesFeed;
import dev.phasegate.server.config.Settings;
import dev.phasegate.server.enrollment.EnrollmentRepository;
import dev.phasegate.server.enrollment.EnrollmentRoutes;
import dev.phasegate.server.enrollment.EnrollmentService;
import dev.phasegate.server.gate.GateRoutes;
import dev.phasegate.server.gate.GateService;
import dev.phasegate.server.host.HostMeters;
import dev.phasegate.server.host.HostSampler;
import dev.phasegate.server.host.SystemMetricsRoutes;
import dev.phasegate.server.incident.IncidentBook;
import dev.phasegate.server.incident.IncidentRoutes;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.notify.DeliveryWorker;
import dev.phasegate.server.notify.NotificationRoutes;
import dev.phasegate.server.notify.Notifier;
import dev.phasegate.server.notify.Outbox;
import dev.phasegate.server.notify.SigningKey;
import dev.phasegate.server.prometheus.Exposition;
import dev.phasegate.server.rollout.RolloutLocks;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.RolloutRoutes;
import dev.phasegate.server.rollout.RolloutService;
import dev.phasegate.server.sdk.RulesCache;
import dev.phasegate.server.sdk.SdkInstances;
import dev.phasegate.server.sdk.SdkRoutes;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.telemetry.Cohort;
import dev.phasegate.server.telemetry.Telemetry;
import dev.phasegate.server.guardian.Guardian;
import dev.phasegate.server.incident.TimelineEntry;
import dev.phasegate.server.notify.IncidentNotices;
import dev.phasegate.server.runbook.Diagnostics;
import dev.phasegate.server.runbook.RollbackRoutes;
import dev.phasegate.server.runbook.RunbookExecutor;
import dev.phasegate.server.runbook.Runbooks;
import dev.phasegate.server.runbook.StandardEffects;
import dev.phasegate.server.guard.DecisionLog;
import dev.phasegate.server.guard.GuardEngine;
import dev.phasegate.server.guard.GuardReader;
import dev.phasegate.server.guard.GuardRoutes;
import dev.phasegate.server.prometheus.PrometheusQuery;
import java.net.URI;
import dev.phasegate.server.token.TokenRoutes;
import dev.phasegate.server.token.TokenService;
import dev.phasegate.server.ui.Assets;
import dev.phasegate.server.ui.UiRoutes;
import dev.phasegate.server.ui.UiStream;
import dev.phasegate.server.user.SessionRoutes;
import dev.phasegate.server.user.Sessions;
import dev.phasegate.server.user.Users;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.Map;

/**
 * A running Phasegate node: store, services and HTTP API.
 *
 * <pre>{@code
 * try (Phasegate node = Phasegate.start(settings, Clock.systemUTC(), System.out)) {
 *     System.out.println("listening on " + node.port());
 * }
 * }</pre>
 */
public final class Phasegate implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Phasegate.class);
    /** Firing alerts read for the guardian's catch-up on taking the lead: far more than a plan's guards can fire. */
    private static final int UNDECIDED_ALERTS_READ = 1000;

    private final Database db;
    private final HttpApi http;
    private final TokenService tokens;
    private final RulesCache rules;
    private final SdkRoutes sdk;
    private final AlertBook alerts;
    private final Exposition exposition;
    private final HostSampler host;
    private final Telemetry telemetry;
    private final GuardEngine guards;
    private final IncidentBook incidents;
    private final Advancement advancement;
    private final Outbox outbox;
    private final Notifier notifier;
    private final DeliveryWorker delivery;
    private final Ui ui;
    private final Cluster cluster;

    /** This node's place among several: its leadership (and the leader-only roles it runs) and the rules feed. */
    private record Cluster(Leadership leadership, RulesFeed feed) implements AutoCloseable {
        @Override
        public void close() {
            leadership.close();
            if (feed != null) {
                feed.close();
            }
        }
    }

    /** The web UI: people's sessions and the dashboards' event stream. */
    private record Ui(Users users, Sessions sessions, UiStream stream) implements AutoCloseable {
        @Override
        public void close() {
            stream.close();
        }
    }

    /** Readiness, auto-advance, remediation webhooks and maintenance, with the action log they write. */
    private record Advancement(ActionLog actions, Readiness readiness, AutoAdvancer advancer, Duration advanceEvery,
                               Remediation remediation, Maintenance maintenance) implements AutoCloseable {
        @Override
        public void close() {
            if (advancer != null) {
                advancer.close();
            }
            if (maintenance != null) {
                maintenance.close();
            }
            if (remediation != null) {
                remediation.close();
            }
        }
    }

    private final Safety safety;

    /** The guardian and the rollback runbook it starts. */
    private record Safety(Runbooks runbooks, RunbookExecutor executor, Guardian guardian) implements AutoCloseable {
        @Override
        public void close() {
            guardian.close();
            executor.close();
        }
    }

    private Phasegate(Database db, HttpApi http, TokenService tokens, RulesCache rules, SdkRoutes sdk, AlertBook alerts,
                      Exposition exposition, HostSampler host, Telemetry telemetry, GuardEngine guards, IncidentBook incidents,
                      Advancement advancement, Outbox outbox, Notifier notifier, DeliveryWorker delivery, Safety safety, Ui ui,
                      Cluster cluster) {
        this.ui = ui;
        this.cluster = cluster;
        this.safety = safety;
        this.outbox = outbox;
        this.notifier = notifier;
        this.delivery = delivery;
        this.db = db;
        this.http = http;
        this.tokens = tokens;
        this.rules = rules;
        this.sdk = sdk;
        this.alerts = alerts;
        this.exposition = exposition;
        this.host = host;
        this.telemetry = telemetry;
        this.guards = guards;
        this.incidents = incidents;
        this.advancement = advancement;
    }

    /**
     * Opens the store, makes sure an admin token exists (printing a generated one once to {@code console}),
     * and starts the HTTP API.
     */
    public static Phasegate start(Settings settings, Clock clock, PrintStream console) {
        Database db = Database.open(settings);
        RulesCache rules = null;
        Exposition exposition = new Exposition();
        HostSampler host = null;
        Telemetry telemetry = null;
        GuardEngine guards = null;
        Advancement advancement = null;
        DeliveryWorker delivery = null;
        Safety safety = null;
        Ui ui = null;
        Leadership leadership = null;
        RulesFeed feed = null;
        try {
            AuditLog audit = new AuditLog();
            RolloutRepository rolloutRepository = new RolloutRepository();
            EnrollmentRepository enrollmentRepository = new EnrollmentRepository();
            RolloutLocks locks = new RolloutLocks();
            TokenService tokens = new TokenService(db, audit, clock, new SecureRandom());
            Outbox outbox = new Outbox(clock);
            Notifier notifier = new Notifier(outbox, settings.notifications().publicUrl());
            EnrollmentService enrollments = new EnrollmentService(db, rolloutRepository, enrollmentRepository, audit, locks, clock, notifier);
            RolloutService rollouts = new RolloutService(db, rolloutRepository, audit, locks, enrollments, clock, notifier);
            GateService gate = new GateService(db, rolloutRepository, enrollmentRepository, audit, clock);
            rules = new RulesCache(db, rolloutRepository, clock);
            AlertBook alerts = new AlertBook(db, audit, clock);

            tokens.bootstrap(settings.adminToken()).ifPresent(secret -> {
                // Printed to the console once, never logged: it is the only copy.
                console.println();
                console.println("  First start: an admin token was generated. It is shown only this once; keep it safe:");
                console.println();
                console.println("    PHASEGATE_TOKEN=" + secret);
                console.println();
            });

            HttpApi http = new HttpApi(tokens, settings.maxBodyBytes(), settings.host(), settings.port());
            http.limit(settings.limits(), clock);
            // One id per node: its host samples, telemetry rollups, heartbeat, leadership and notifications.
            String nodeId = NodeId.random();
            host = HostSampler.start(settings, db, clock, nodeId);
            exposition.bind(new HostMeters(host));
            exposition.register(http, settings.monitoring().metricsPublic());
            SystemMetricsRoutes.register(http, host, clock);
            http.app().get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
            http.app().get("/readyz", ctx -> {
                boolean ready = db.ping();
                ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "store unreachable"));
            });
            RolloutRoutes.register(http, rollouts);
            EnrollmentRoutes.register(http, enrollments);
            GateRoutes.register(http, gate);
            TokenRoutes.register(http, tokens);
            AuditRoutes.register(http, db, audit);
            AlertRoutes.register(http, alerts);
            SdkRoutes sdk = SdkRoutes.register(http, rules, new SdkInstances(clock));
            dev.phasegate.server.ofrep.OfrepRoutes.register(http, rules);
            telemetry = Telemetry.start(db, rules, rolloutRepository, settings.monitoring(), clock, http, nodeId);
            exposition.bind(telemetry.meters());
            leadership = new Leadership(db, settings, nodeId, () -> address(settings, http), clock);
            if (!db.embedded()) {
                // Downsampling is the leader's; it starts when this node leads.
                telemetry.leadMaintenance(false);
                RulesCache cache = rules;
                feed = RulesFeed.start(settings, nodeId, cache::changedElsewhere);
                rules.pushedBy(feed::connected);
            }
            ui = startUi(db, audit, clock, http, exposition.registry());
            UiStream stream = ui.stream();
            rules.subscribe(published -> stream.changed(UiStream.ROLLOUTS, null));
            alerts.onTransition(t -> stream.changed(UiStream.ALERTS, t.alert().rollout()));
            DecisionLog decisions = new DecisionLog(db);
            // Before the guard engine starts: the first critical alert already opens an incident.
            IncidentBook incidents = new IncidentBook(db, audit, rolloutRepository, decisions, clock);
            Telemetry counted = telemetry;
            incidents.activeUsers((rollout, from, to) -> counted.total(rollout, Cohort.BETA, from, to).distinctUsers());
            alerts.onTransition(incidents::onAlert);
            incidents.addListener(new IncidentNotices(notifier, rolloutRepository));
            incidents.addListener((h, incident, change) -> stream.changed(UiStream.INCIDENTS, incident.rollout()));
            IncidentRoutes.register(http, incidents);
            safety = startSafety(db, rolloutRepository, rollouts, locks, notifier, incidents, decisions, telemetry, audit, alerts,
                    clock, http, stream, leadership);
            URI prometheusUrl = settings.monitoring().prometheusUrl();
            // On PostgreSQL other nodes may take telemetry too: guards read every node's rows (a store read per
            // window); the embedded store is single-node, so its guards read memory only.
            GuardReader reader = new GuardReader(db.embedded() ? telemetry.view() : telemetry.mergedView(), host,
                    prometheusUrl == null ? null : new PrometheusQuery(prometheusUrl));
            guards = new GuardEngine(db, rolloutRepository, reader, alerts, decisions, exposition.registry(), clock,
                    settings.monitoring().retention(), settings.notifications().insufficientDataGrace());
            GuardRoutes.register(http, db, rolloutRepository, decisions);
            SigningKey signingKey = SigningKey.load(db, settings.notifications().webhookSecret(), clock, new SecureRandom());
            advancement = startAdvancement(settings, db, rolloutRepository, rollouts, telemetry, alerts, decisions,
                    exposition.registry(), clock, http, signingKey);
            NotificationRoutes.register(http, db, outbox, signingKey);
            delivery = DeliveryWorker.create(db, outbox, settings.notifications(), signingKey, exposition.registry(), clock);
            ClusterRoutes.register(http, leadership);
            dev.phasegate.server.openapi.OpenApiRoutes.register(http);
            http.start();
            leadership.start(leaderOnly(settings, alerts, telemetry, guards, safety, advancement, delivery));
            log.info("Phasegate listening on http://{}:{} ({} store)", settings.host(), http.port(), db.embedded() ? "embedded H2" : "PostgreSQL");
            return new Phasegate(db, http, tokens, rules, sdk, alerts, exposition, host, telemetry, guards, incidents, advancement,
                    outbox, notifier, delivery, safety, ui, new Cluster(leadership, feed));
        } catch (RuntimeException e) {
            if (leadership != null) {
                new Cluster(leadership, feed).close();
            } else if (feed != null) {
                feed.close();
            }
            if (ui != null) {
                ui.close();
            }
            if (safety != null) {
                safety.close();
            }
            if (delivery != null) {
                delivery.close();
            }
            if (advancement != null) {
                advancement.close();
            }
            if (guards != null) {
                guards.close();
            }
            if (telemetry != null) {
                telemetry.close();
            }
            if (host != null) {
                host.close();
            }
            exposition.close();
            if (rules != null) {
                rules.close();
            }
            db.close();
            throw e;
        }
    }

    /**
     * What only the leader runs, in the order it starts (stopped in reverse): the alert book reloaded (another
     * node evaluated guards until now), the guardian's decisions on firing alerts no leader decided on,
     * downsampling, the guard engine, the runbook executor (resuming any
     * run left running), auto-advance, maintenance and the notification worker. The guardian acts only
     * while this node leads (see {@link #startSafety}).
     */
    private static java.util.List<Leadership.Role> leaderOnly(Settings settings, AlertBook alerts, Telemetry telemetry,
                                                               GuardEngine guards, Safety safety, Advancement advancement,
                                                               DeliveryWorker delivery) {
        return java.util.List.of(
                Leadership.Role.of("alert book", alerts::reload, () -> { }),
                Leadership.Role.of("guardian catch-up", () -> safety.guardian().decideUndecided(alerts.list(
                        new AlertQuery(AlertState.FIRING, null, null, null, null, null, UNDECIDED_ALERTS_READ))), () -> { }),
                Leadership.Role.of("telemetry downsampling", () -> telemetry.leadMaintenance(true),
                        () -> telemetry.leadMaintenance(false)),
                Leadership.Role.of("guard engine", () -> guards.start(settings.monitoring().guardInterval()), guards::close),
                Leadership.Role.of("runbook executor", safety.executor()::start, safety.executor()::close),
                Leadership.Role.of("auto-advance", () -> advancement.advancer().start(advancement.advanceEvery()),
                        advancement.advancer()::stop),
                Leadership.Role.of("maintenance", advancement.maintenance()::start, advancement.maintenance()::stop),
                Leadership.Role.of("notification worker", delivery::start, delivery::stop));
    }

    /** How other nodes and operators reach this node: its bound address, or the host name when bound to all. */
    private static String address(Settings settings, HttpApi http) {
        String host = settings.host();
        if (host == null || host.isBlank() || "0.0.0.0".equals(host) || "::".equals(host)) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "unknown-host";
            }
        }
        return host + ":" + http.port();
    }

    /**
     * The runbook executor (resuming any run a crash left running) and the guardian, which listens to the
     * alert book after the incident book: a critical alert's incident exists before the guardian acts on it.
     */
    private static Safety startSafety(Database db, RolloutRepository rolloutRepository, RolloutService rollouts, RolloutLocks locks,
                                      Notifier notifier, IncidentBook incidents, DecisionLog decisions, Telemetry telemetry,
                                      AuditLog audit, AlertBook alerts, Clock clock, HttpApi http, UiStream stream,
                                      Leadership leadership) {
        Runbooks runbooks = new Runbooks(db, rolloutRepository, rollouts, locks, clock);
        RunbookExecutor executor = new RunbookExecutor(db, rolloutRepository, rollouts, locks, runbooks,
                new StandardEffects(notifier, incidents), new Diagnostics(decisions, telemetry.view(), audit), decisions, clock,
                leadership.nodeId(), leadership.fence());
        Guardian guardian = new Guardian(db, rolloutRepository, rollouts, runbooks, clock);
        guardian.fence(leadership.fence());
        guardian.onDecision((h, d) -> {
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("guardianDecisionId", d.id());
            data.put("action", d.action());
            if (d.alertId() != null) {
                data.put("alertId", d.alertId());
            }
            data.put("basis", d.basis());
            incidents.recordForRollout(h, d.rollout(), TimelineEntry.DECISION, Actor.GUARDIAN.display(),
                    "guardian: " + d.action() + " (" + d.outcome() + ")", data);
            stream.changed(UiStream.DECISIONS, d.rollout());
        });
        // A follower's alert book hears only people's changes; acting on them is the leader's job.
        alerts.onTransition(t -> {
            if (leadership.leading()) {
                guardian.onAlert(t);
            }
        });
        RollbackRoutes.register(http, runbooks, rollouts, guardian);
        return new Safety(runbooks, executor, guardian);
    }

    /**
     * People's sign-in (session cookies accepted by every route, CSRF on changes), the pages and the
     * dashboards' stream, which hears telemetry through the node's count of stored events.
     */
    private static Ui startUi(Database db, AuditLog audit, Clock clock, HttpApi http, MeterRegistry registry) {
        SecureRandom random = new SecureRandom();
        Users users = new Users(db, audit, clock, random);
        Sessions sessions = new Sessions(db, users, clock, random);
        SessionRoutes sessionRoutes = SessionRoutes.register(http, sessions);
        UiRoutes.register(http, sessionRoutes, new Assets());
        UiStream stream = UiStream.register(http, () -> {
            var stored = registry.find("phasegate.telemetry.events.stored").functionCounter();
            return stored == null ? 0 : (long) stored.count();
        });
        return new Ui(users, sessions, stream);
    }

    /** People who may sign in to the web UI. */
    public Users users() {
        return ui.users();
    }

    /** People who sign in to the web UI, and their sessions. */
    public Sessions sessions() {
        return ui.sessions();
    }

    /** The dashboards' event stream. */
    public UiStream uiStream() {
        return ui.stream();
    }

    /** Rollbacks: start one, read runs. */
    public Runbooks runbooks() {
        return safety.runbooks();
    }

    /** The runbook executor ({@code tick()} for tests). */
    public RunbookExecutor runbookExecutor() {
        return safety.executor();
    }

    /** The guardian: acts on critical alerts. */
    public Guardian guardian() {
        return safety.guardian();
    }

    private static Advancement startAdvancement(Settings settings, Database db, RolloutRepository rolloutRepository,
                                                RolloutService rollouts, Telemetry telemetry, AlertBook alerts,
                                                DecisionLog decisions, MeterRegistry registry, Clock clock, HttpApi http,
                                                SigningKey signingKey) {
        ActionLog actions = new ActionLog(db, registry);
        Readiness readiness = new Readiness(db, rolloutRepository, telemetry, alerts, decisions, clock);
        Remediation remediation = new Remediation(db, rolloutRepository, actions, settings.notifications().webhookTimeout(),
                signingKey, registry, clock);
        Maintenance maintenance = null;
        try {
            alerts.onTransition(remediation::onTransition);
            maintenance = new Maintenance(db, actions, settings.monitoring().retention(),
                    settings.embedded() && settings.dbUrl() == null ? Database.embeddedFile(settings) : null, registry, clock,
                    daemonScheduler("phasegate-maintenance"));
            telemetry.onRetentionRun(maintenance::recordRetention);
            // Readiness rests on guard decisions: checking more often than guards are evaluated gains nothing.
            Duration interval = settings.monitoring().guardInterval().compareTo(AutoAdvancer.INTERVAL) > 0
                    ? settings.monitoring().guardInterval() : AutoAdvancer.INTERVAL;
            AutoAdvancer advancer = new AutoAdvancer(db, rolloutRepository, rollouts, readiness, actions, registry, clock,
                    daemonScheduler("phasegate-advance"));
            ReadinessRoutes.register(http, readiness);
            ActionRoutes.register(http, actions);
            return new Advancement(actions, readiness, advancer, interval, remediation, maintenance);
        } catch (RuntimeException e) {
            new Advancement(actions, readiness, null, null, remediation, maintenance).close();
            throw e;
        }
    }

    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public int port() {
        return http.port();
    }

    /** The routes this node serves, as registered (the OpenAPI document is checked against them). */
    public java.util.List<HttpApi.Route> routes() {
        return http.routes();
    }

    public TokenService tokens() {
        return tokens;
    }

    /** The rules as this node publishes them. */
    public RulesCache rules() {
        return rules;
    }

    /** The alerts of guards: the guard engine reports its evaluations here. */
    public AlertBook alerts() {
        return alerts;
    }

    /** Incidents: opened by critical alerts (registered with the alert book) and rollbacks, worked by people. */
    public IncidentBook incidents() {
        return incidents;
    }

    /** This node's meter registry, served at {@code /metrics}: bind components' meters to it. */
    public MeterRegistry meters() {
        return exposition.registry();
    }

    /** This node's recent host samples, for guards. */
    public HostSampler host() {
        return host;
    }

    /** The guard engine: evaluates every watched rollout's guards each {@code guardInterval}. */
    public GuardEngine guards() {
        return guards;
    }

    /** Telemetry rollups: the view guards read, the meters to bind. */
    public Telemetry telemetry() {
        return telemetry;
    }

    /** Phase readiness: each advance criterion of a rollout's current phase, met or not. */
    public Readiness readiness() {
        return advancement.readiness();
    }

    /** The record of remediation and maintenance actions. */
    public ActionLog actions() {
        return advancement.actions();
    }

    /** The guardian's auto-advance loop ({@code tick()} for tests). */
    public AutoAdvancer advancer() {
        return advancement.advancer();
    }

    /** Scheduled store maintenance ({@code run()} for tests and operators). */
    public Maintenance maintenance() {
        return advancement.maintenance();
    }

    /** Tells beta users and contacts, in the caller's transaction (see {@link Notifier}). */
    public Notifier notifier() {
        return notifier;
    }

    /** The notifications outbox: enqueue in a transaction; list messages and their delivery logs. */
    public Outbox outbox() {
        return outbox;
    }

    /** Sends the outbox's messages; {@code runOnce()} sends what is due now. */
    public DeliveryWorker delivery() {
        return delivery;
    }

    /** Whether this node leads, its epoch and fence; the cluster view ({@code GET /api/v1/cluster}). */
    public Leadership leadership() {
        return cluster.leadership();
    }

    @Override
    public void close() {
        // First: the leader-only roles stop and the lock is freed, so another node can take over at once.
        cluster.close();
        sdk.close();
        ui.close();
        http.stop();
        safety.close();
        delivery.close();
        guards.close();
        advancement.close();
        telemetry.close();
        host.close();
        exposition.close();
        rules.close();
        db.close();
    }
}
