package dev.phasegate.server.gate;

import dev.phasegate.core.gate.Evaluation;
import dev.phasegate.core.gate.Membership;
import dev.phasegate.core.gate.RolloutGate;
import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.enrollment.Enrollment;
import dev.phasegate.server.enrollment.EnrollmentRepository;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.RolloutService;
import dev.phasegate.server.store.Database;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Answers feature questions with the core evaluator and flips kill switches. */
public final class GateService {

    /** A reason is kept with a kill switch for the people who read it later; a paragraph is enough. */
    private static final int MAX_REASON = 1024;

    private final Database db;
    private final RolloutRepository rollouts;
    private final EnrollmentRepository enrollments;
    private final AuditLog audit;
    private final Clock clock;

    public GateService(Database db, RolloutRepository rollouts, EnrollmentRepository enrollments, AuditLog audit, Clock clock) {
        this.db = db;
        this.rollouts = rollouts;
        this.enrollments = enrollments;
        this.audit = audit;
        this.clock = clock;
    }

    public FeatureAnswer features(String rolloutKey, String userId) {
        Identifiers.userIdProblem(userId).ifPresent(p -> {
            throw new PhasegateException.Invalid(new Problem("userId", p));
        });
        return db.withHandle(h -> {
            Rollout rollout = rollouts.find(h, rolloutKey).orElseThrow(() -> RolloutService.notFound(rolloutKey)).rollout();
            Set<String> killed = rollouts.features(h, rolloutKey).values().stream()
                    .filter(RolloutRepository.FeatureRow::killSwitch).map(RolloutRepository.FeatureRow::feature).collect(Collectors.toSet());
            Membership membership = enrollments.find(h, rolloutKey, userId).map(GateService::membership).orElse(Membership.NONE);
            RolloutGate gate = RolloutGate.of(rollout);
            Map<String, Integer> phases = rollout.plan().unlockingPhases();
            List<FeatureAnswer.FeatureValue> values = new ArrayList<>();
            for (Evaluation e : gate.evaluateAll(userId, membership, killed::contains)) {
                values.add(new FeatureAnswer.FeatureValue(e.feature(), e.enabled(), e.reason().apiName(), phases.get(e.feature())));
            }
            return new FeatureAnswer(rolloutKey, userId, rollout.state().apiName(), rollout.currentPhase(),
                    membership.name().toLowerCase(), values);
        });
    }

    private static Membership membership(Enrollment e) {
        return switch (e.status()) {
            case "enrolled" -> Membership.ENROLLED;
            case "waitlisted" -> Membership.WAITLISTED;
            default -> Membership.NONE;
        };
    }

    /** Turns a feature's kill switch on or off; the reason is required to turn it on. */
    public Map<String, Object> setKillSwitch(String featureKey, KillSwitchRequest request, Actor actor) {
        if (request.on() == null) {
            throw new PhasegateException.Invalid(new Problem("on", "is required: true to turn the feature off for everyone, false to restore it"));
        }
        if (request.reason() != null && request.reason().length() > MAX_REASON) {
            throw new PhasegateException.Invalid(new Problem("reason", "is longer than " + MAX_REASON + " characters"));
        }
        if (request.on() && (request.reason() == null || request.reason().isBlank())) {
            throw new PhasegateException.Invalid(new Problem("reason", "is required when turning a kill switch on, so others know why"));
        }
        return db.inTransaction(h -> {
            Instant now = clock.instant();
            RolloutRepository.FeatureRow before = rollouts.feature(h, featureKey)
                    .orElseThrow(() -> new PhasegateException.NotFound("no feature '" + Identifiers.printable(featureKey) + "' in any rollout"));
            rollouts.setKillSwitch(h, featureKey, request.on(), request.on() ? request.reason() : null, now);
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("feature", featureKey);
            after.put("rollout", before.rollout());
            after.put("killSwitch", request.on());
            if (request.reason() != null) {
                after.put("reason", request.reason());
            }
            Map<String, Object> old = new LinkedHashMap<>();
            old.put("killSwitch", before.killSwitch());
            if (before.killReason() != null) {
                old.put("reason", before.killReason());
            }
            audit.record(h, now, actor, new AuditLog.Entry(request.on() ? "kill-switch.on" : "kill-switch.off", before.rollout(),
                    featureKey, old, after));
            db.markRulesChanged(h, request.on());
            return after;
        });
    }
}
