package dev.phasegate.server.action;

import dev.phasegate.core.plan.Durations;
import dev.phasegate.core.plan.Guard;
import dev.phasegate.core.plan.WarningHook;
import dev.phasegate.server.alert.Alert;
import dev.phasegate.server.alert.AlertState;
import dev.phasegate.server.alert.AlertTransition;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.notify.SigningKey;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.StoredRollout;
import dev.phasegate.server.store.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Calls a guard's {@code onWarning} webhook when its warning or critical alert fires (an {@link
 * dev.phasegate.server.alert.AlertBook} transition listener), at most once per cooldown per rollout and guard,
 * and records every call, failure and skip. Nothing runs on the alert path: the listener only hands the
 * transition to a small executor.
 *
 * <p>Only breach alerts call the hook: an {@code unavailable} alert means the metric cannot be read, which a
 * scale-out does not fix. The cooldown counts from the last call, failed or not (a failing endpoint is not
 * hammered), and survives restarts: the last call is read back from the action log.
 *
 * <pre>{@code
 * Remediation remediation = new Remediation(db, new RolloutRepository(), actions, Duration.ofSeconds(10), signingKey, registry, clock);
 * alerts.onTransition(remediation::onTransition);
 * }</pre>
 */
public final class Remediation implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Remediation.class);

    /** Two calls at once: webhooks of different guards do not wait on one slow endpoint for long. */
    static final int THREADS = 2;
    /** Alerts are deduplicated, so a queue this long means the endpoints hang, not a burst: drop and count. */
    static final int MAX_QUEUED = 1000;

    private final Database db;
    private final RolloutRepository rollouts;
    private final ActionLog actions;
    private final Duration timeout;
    private final SigningKey key;
    private final Clock clock;
    private final HttpClient client;
    private final ExecutorService executor;
    private final Counter dropped;
    /** Last call per rollout × guard; seeded from the action log on first use. Guarded by itself. */
    private final Map<String, Instant> lastCalls = new HashMap<>();

    /** @param key signs each call as notification webhooks are signed (X-Phasegate-Timestamp, X-Phasegate-Signature) */
    public Remediation(Database db, RolloutRepository rollouts, ActionLog actions, Duration timeout, SigningKey key,
                       MeterRegistry meters, Clock clock) {
        this.db = db;
        this.key = key;
        this.rollouts = rollouts;
        this.actions = actions;
        this.timeout = timeout;
        this.clock = clock;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(r, "phasegate-remediation");
            t.setDaemon(true);
            return t;
        });
        this.dropped = Counter.builder("phasegate.remediation.dropped")
                .description("guard webhooks not attempted because the remediation queue was full").register(meters);
    }

    /** The alert book's listener: quick, never throws. */
    public void onTransition(AlertTransition t) {
        if (t.to() != AlertState.FIRING || t.from() == AlertState.FIRING || !"breach".equals(t.alert().labels().get("alert"))
                || t.alert().rollout() == null || t.alert().rollout().isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    remediate(t);
                } catch (RuntimeException e) {
                    log.warn("the warning webhook of guard {} of rollout {} could not be handled", t.alert().guard(),
                            t.alert().rollout(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            dropped.increment();
            log.warn("remediation queue full or closed: the webhook of guard {} of rollout {} is not called for alert {}",
                    t.alert().guard(), t.alert().rollout(), t.alert().id());
        }
    }

    private void remediate(AlertTransition t) {
        Alert alert = t.alert();
        Optional<WarningHook> hook = db.withHandle(h -> rollouts.find(h, alert.rollout())).map(StoredRollout::rollout)
                .flatMap(r -> r.plan().guards().stream().filter(g -> g.name().equals(alert.guard())).findFirst())
                .map(Guard::onWarning);
        if (hook.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        String why = alert.severity().wire() + " alert " + alert.id() + " of guard " + alert.guard() + " fired: " + alert.summary();
        ActionRecord started = ActionRecord.of(now, ActionRecord.WEBHOOK, alert.rollout(), alert.guard(), why);
        Instant previous = claim(alert.rollout(), alert.guard(), hook.get().cooldown(), now);
        if (previous != null) {
            Instant next = previous.plus(hook.get().cooldown());
            actions.record(started.ended(ActionResult.SKIPPED, "in cooldown (" + Durations.format(hook.get().cooldown())
                    + "): the webhook was called at " + previous + "; it may run again at " + next, 0, Map.of("nextAllowedAt", next)));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "guard." + alert.severity().wire());
        body.put("rollout", alert.rollout());
        body.put("guard", alert.guard());
        body.put("severity", alert.severity().wire());
        body.put("alertId", alert.id());
        body.put("firedAt", alert.firedAt() == null ? t.at().toString() : alert.firedAt().toString());
        body.put("summary", alert.summary());
        body.put("silenced", alert.silenced());
        body.put("decision", alert.firingDecision() != null ? alert.firingDecision() : alert.decision());
        long start = System.nanoTime();
        ActionResult result;
        String detail;
        try {
            byte[] bytes = Json.write(body).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            long timestamp = clock.instant().getEpochSecond();
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(hook.get().webhook()))
                    .timeout(timeout).header("Content-Type", "application/json").header("User-Agent", "Phasegate")
                    .header("X-Phasegate-Timestamp", String.valueOf(timestamp))
                    .header("X-Phasegate-Signature", key.sign(timestamp, bytes))
                    .header("X-Phasegate-Kind", "remediation." + alert.severity().wire())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.discarding());
            boolean ok = response.statusCode() / 100 == 2;
            result = ok ? ActionResult.OK : ActionResult.FAILED;
            detail = "HTTP " + response.statusCode() + " from " + hook.get().webhook();
        } catch (HttpTimeoutException e) {
            result = ActionResult.FAILED;
            detail = "no answer from " + hook.get().webhook() + " within " + Durations.format(timeout);
        } catch (IOException | IllegalArgumentException e) {
            result = ActionResult.FAILED;
            detail = "cannot reach " + hook.get().webhook() + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = ActionResult.FAILED;
            detail = "interrupted while calling " + hook.get().webhook() + " (shutting down)";
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        actions.record(started.ended(result, detail, tookMs, Map.of("webhook", hook.get().webhook(), "request", body)));
        if (result == ActionResult.FAILED) {
            log.warn("the warning webhook of guard {} of rollout {} failed: {}", alert.guard(), alert.rollout(), detail);
        }
    }

    /**
     * Takes the right to call now, or answers when the hook was last called if that is within the cooldown.
     * Under one lock so the warning and the critical alert of one breach, firing together, call once.
     */
    private Instant claim(String rollout, String guard, Duration cooldown, Instant now) {
        String key = rollout + "\u0000" + guard;
        synchronized (lastCalls) {
            Instant last = lastCalls.get(key);
            if (last == null) {
                last = actions.newest(ActionRecord.WEBHOOK, rollout, guard, List.of(ActionResult.OK, ActionResult.FAILED))
                        .map(ActionRecord::at).orElse(null);
            }
            if (last != null && now.isBefore(last.plus(cooldown))) {
                lastCalls.put(key, last);
                return last;
            }
            lastCalls.put(key, now);
            return null;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.shutdownNow();
    }
}
