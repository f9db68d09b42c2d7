package dev.phasegate.server.enrollment;

import dev.phasegate.core.enrollment.Admission;
import dev.phasegate.core.enrollment.EnrollmentStatus;
import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.core.rollout.RolloutState;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.notify.Notifier;
import dev.phasegate.server.notify.Recipient;
import dev.phasegate.server.rollout.RolloutLocks;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.RolloutService;
import dev.phasegate.server.rollout.StoredRollout;
import dev.phasegate.server.rollout.Waitlist;
import dev.phasegate.server.store.Database;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;

/**
 * Admits beta users. Every admission runs under the rollout's node lock and its database row lock, so
 * the enrolled count can never pass the current phase's capacity, whatever the concurrency and the store.
 */
public final class EnrollmentService implements Waitlist {

    /** The largest batch one request may carry (the figure: imports of 10,000 users). */
    public static final int MAX_BATCH = 10_000;
    /** RFC 5321 caps an address at 254 characters in practice; 320 is the often-quoted upper bound. */
    private static final int MAX_EMAIL = 320;
    /** Attributes are a few labels (region, plan, desk), not a profile store. */
    private static final int MAX_ATTRIBUTES_CHARS = 4096;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cntrl}]+@[^@\\s\\p{Cntrl}]+\\.[^@\\s\\p{Cntrl}]+");

    private final Database db;
    private final RolloutRepository rollouts;
    private final EnrollmentRepository enrollments;
    private final AuditLog audit;
    private final RolloutLocks locks;
    private final Clock clock;
    private final Notifier notifier;

    /** A service whose admissions tell no one (see the constructor with a {@link Notifier}). */
    public EnrollmentService(Database db, RolloutRepository rollouts, EnrollmentRepository enrollments, AuditLog audit,
                             RolloutLocks locks, Clock clock) {
        this(db, rollouts, enrollments, audit, locks, clock, Notifier.NONE);
    }

    /** @param notifier tells admitted users (enrolled, or moved up from the waitlist), in the admitting transaction */
    public EnrollmentService(Database db, RolloutRepository rollouts, EnrollmentRepository enrollments, AuditLog audit,
                             RolloutLocks locks, Clock clock, Notifier notifier) {
        this.notifier = notifier;
        this.db = db;
        this.rollouts = rollouts;
        this.enrollments = enrollments;
        this.audit = audit;
        this.locks = locks;
        this.clock = clock;
    }

    /** The outcome of a batch: counts and each user's enrollment, in request order. */
    public record BatchResult(int enrolled, int waitlisted, int existing, List<Enrollment> results) {
    }

    /** A user to enroll, validated. */
    public record Candidate(String userId, String email, String attributesJson) {
    }

    /** Validates a request body into candidates; the whole request is refused if any user is invalid. */
    public static List<Candidate> candidates(EnrollmentRequest request) {
        boolean single = request.userId() != null || request.email() != null || request.attributes() != null;
        if (single && request.users() != null) {
            throw new PhasegateException.Invalid(new Problem("users", "give either one user (userId, email, attributes) or a batch (users), not both"));
        }
        List<EnrollmentRequest.NewUser> users = single
                ? List.of(new EnrollmentRequest.NewUser(request.userId(), request.email(), request.attributes()))
                : request.users();
        if (users == null || users.isEmpty()) {
            throw new PhasegateException.Invalid(new Problem(single ? "userId" : "users", single ? "is required" : "is required and must not be empty"));
        }
        if (users.size() > MAX_BATCH) {
            throw new PhasegateException.TooLarge(new Problem("users", users.size() + " users in one request; at most " + MAX_BATCH
                    + " are allowed, split the batch"));
        }
        List<Problem> problems = new ArrayList<>();
        List<Candidate> result = new ArrayList<>(users.size());
        for (int i = 0; i < users.size(); i++) {
            String at = single ? "" : "users[" + i + "].";
            EnrollmentRequest.NewUser u = users.get(i);
            if (u == null) {
                problems.add(new Problem("users[" + i + "]", "is empty; expected an object with userId"));
                continue;
            }
            Identifiers.userIdProblem(u.userId()).ifPresent(p -> problems.add(new Problem(at + "userId", p)));
            if (u.email() != null && (u.email().length() > MAX_EMAIL || !EMAIL.matcher(u.email()).matches())) {
                problems.add(new Problem(at + "email", "'" + Identifiers.printable(u.email()) + "' is not an email address"));
            }
            String attributes = null;
            if (u.attributes() != null && !u.attributes().isNull()) {
                if (!u.attributes().isObject()) {
                    problems.add(new Problem(at + "attributes", "must be a JSON object"));
                } else {
                    attributes = Json.write(u.attributes());
                    if (attributes.length() > MAX_ATTRIBUTES_CHARS) {
                        problems.add(new Problem(at + "attributes", "is " + attributes.length() + " characters of JSON; at most "
                                + MAX_ATTRIBUTES_CHARS + " are allowed"));
                    }
                }
            }
            if (problems.size() >= 100) {
                break; // enough to act on; a batch of 10,000 bad ids need not list all of them
            }
            result.add(new Candidate(u.userId(), u.email(), attributes));
        }
        if (!problems.isEmpty()) {
            throw new PhasegateException.Invalid((single ? "" : "nothing was enrolled: ") + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more, see problems)" : ""), problems);
        }
        return result;
    }

    /** One request waiting to be admitted, possibly together with others (see {@link #enroll}). */
    private record Pending(List<Candidate> candidates, Actor actor, CompletableFuture<BatchResult> result) {
    }

    /** Requests per rollout in arrival order, waiting for whoever holds the rollout's lock to admit them. */
    private final Map<String, Queue<Pending>> waiting = new ConcurrentHashMap<>();

    /**
     * Enrolls users in arrival order. A user already enrolled or waitlisted gets their existing
     * enrollment back (idempotent); one who left comes back as a newcomer.
     *
     * <p>Concurrent requests for one rollout are combined: each request joins the rollout's queue and
     * takes the rollout's lock; whoever holds it admits everything queued so far in one transaction (in
     * queue order, so first come is still first served), and the others find their answer ready. One
     * commit, and on PostgreSQL one fsync, then serves many requests, instead of each waiting its turn
     * for the row lock and a commit of its own.
     */
    public BatchResult enroll(String rolloutKey, List<Candidate> candidates, Actor actor) {
        Pending mine = new Pending(candidates, actor, new CompletableFuture<>());
        Queue<Pending> queue = waiting.computeIfAbsent(rolloutKey, k -> new ConcurrentLinkedQueue<>());
        queue.add(mine);
        locks.withLock(rolloutKey, () -> {
            while (!mine.result().isDone()) {
                List<Pending> batch = new ArrayList<>();
                int users = 0;
                for (Pending next = queue.peek(); next != null; next = queue.peek()) {
                    if (!batch.isEmpty() && users + next.candidates().size() > MAX_BATCH) {
                        break;
                    }
                    batch.add(queue.poll());
                    users += next.candidates().size();
                }
                admit(rolloutKey, batch);
            }
            if (queue.isEmpty()) {
                // Safe to drop: a request that still holds this queue drains it itself under the lock.
                waiting.remove(rolloutKey, queue);
            }
            return null;
        });
        try {
            return mine.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Admits a batch of requests in one transaction and completes each; a failure fails them all. */
    private void admit(String rolloutKey, List<Pending> batch) {
        List<BatchResult> results;
        try {
            results = db.inTransaction(h -> admitInTransaction(h, rolloutKey, batch));
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        } catch (Error e) {
            // Whoever waits on these must not wait forever; the error still propagates.
            batch.forEach(p -> p.result().completeExceptionally(e));
            throw e;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
        }
    }

    private List<BatchResult> admitInTransaction(Handle h, String rolloutKey, List<Pending> batch) {
        Instant now = clock.instant();
        StoredRollout stored = rollouts.lock(h, rolloutKey).orElseThrow(() -> RolloutService.notFound(rolloutKey));
        Rollout rollout = stored.rollout();
        if (rollout.state() == RolloutState.COMPLETED) {
            throw new PhasegateException.Conflict("rollout '" + rolloutKey + "' is completed: its features are on for everyone, "
                    + "there is nothing to enroll in");
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        batch.forEach(p -> p.candidates().forEach(c -> ids.add(c.userId())));
        Map<String, Enrollment> existing = enrollments.findAll(h, rolloutKey, new ArrayList<>(ids));
        int enrolled = rollout.enrolled();
        int waitlisted = rollout.waitlisted();
        long seq = stored.nextSeq();
        Map<String, Enrollment> decided = new HashMap<>();
        List<EnrollmentRepository.Row> rows = new ArrayList<>();
        List<AuditLog.Recorded> entries = new ArrayList<>();
        List<BatchResult> answers = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            Map<String, Enrollment> answer = new HashMap<>();
            int admitted = 0;
            int queued = 0;
            int already = 0;
            for (Candidate c : pending.candidates()) {
                if (answer.containsKey(c.userId())) {
                    continue; // the same user twice in one request: the second gets the first's answer
                }
                Enrollment earlier = decided.get(c.userId());
                if (earlier != null) {
                    // decided by an earlier request of this batch: to this request it was already there
                    answer.put(c.userId(), earlier.withCreated(false));
                    already++;
                    continue;
                }
                Enrollment before = existing.get(c.userId());
                if (before != null && !before.status().equals(EnrollmentStatus.LEFT.apiName())) {
                    answer.put(c.userId(), before.withCreated(false));
                    already++;
                    continue;
                }
                boolean admit = Admission.admitsNewcomer(rollout, enrolled, waitlisted);
                EnrollmentStatus status = admit ? EnrollmentStatus.ENROLLED : EnrollmentStatus.WAITLISTED;
                Integer phase = admit ? rollout.currentPhase() : null;
                if (admit) {
                    enrolled++;
                    admitted++;
                } else {
                    waitlisted++;
                    queued++;
                }
                rows.add(new EnrollmentRepository.Row(c.userId(), c.email(), c.attributesJson(), status, phase, seq, before != null));
                Enrollment created = new Enrollment(rolloutKey, c.userId(), c.email(), c.attributesJson(), status.apiName(), phase, seq,
                        admit ? null : waitlisted, true, before == null ? now : before.createdAt(), now);
                answer.put(c.userId(), created);
                decided.put(c.userId(), created);
                Map<String, Object> after = new LinkedHashMap<>();
                after.put("status", status.apiName());
                if (phase != null) {
                    after.put("phase", phase);
                }
                entries.add(new AuditLog.Recorded(pending.actor(), new AuditLog.Entry("enrollment.created", rolloutKey, c.userId(),
                        before == null ? null : Map.of("status", before.status()), after)));
                seq++;
            }
            List<Enrollment> results = new ArrayList<>(pending.candidates().size());
            for (Candidate c : pending.candidates()) {
                results.add(answer.get(c.userId()));
            }
            answers.add(new BatchResult(admitted, queued, already, results));
        }
        if (!rows.isEmpty()) {
            enrollments.write(h, rolloutKey, rows, now);
            Rollout next = new Rollout(rollout.plan(), rollout.state(), rollout.currentPhase(), enrolled, waitlisted, rollout.featuresWithdrawn());
            rollouts.updateState(h, stored.with(next).withNextSeq(seq), now);
            audit.recordAll(h, now, entries);
            db.markRulesChanged(h);
            notifier.enrolled(h, rollout.plan(), rollout.currentPhase(), rows.stream().filter(row -> row.status() == EnrollmentStatus.ENROLLED)
                    .map(row -> new Recipient(row.userId(), row.email())).toList());
        }
        // A single user already waiting learns their place in line now.
        for (int i = 0; i < batch.size(); i++) {
            BatchResult answer = answers.get(i);
            if (answer.results().size() == 1) {
                Enrollment e = answer.results().get(0);
                if (e.status().equals(EnrollmentStatus.WAITLISTED.apiName()) && !Boolean.TRUE.equals(e.created())) {
                    List<Enrollment> withPosition = List.of(e.withPosition((int) enrollments.waitlistedBefore(h, rolloutKey, e.seq()) + 1));
                    answers.set(i, new BatchResult(answer.enrolled(), answer.waitlisted(), answer.existing(), withPosition));
                }
            }
        }
        return answers;
    }

    /** The user leaves the rollout; a freed place goes to the first waitlisted user. */
    public Enrollment leave(String rolloutKey, String userId, Actor actor) {
        Identifiers.userIdProblem(userId).ifPresent(p -> {
            throw new PhasegateException.Invalid(new Problem("userId", p));
        });
        return locks.withLock(rolloutKey, () -> db.inTransaction(h -> {
            Instant now = clock.instant();
            StoredRollout stored = rollouts.lock(h, rolloutKey).orElseThrow(() -> RolloutService.notFound(rolloutKey));
            Enrollment before = enrollments.find(h, rolloutKey, userId).orElseThrow(() ->
                    new PhasegateException.NotFound("user '" + Identifiers.printable(userId) + "' is not enrolled in rollout '" + rolloutKey + "'"));
            if (before.status().equals(EnrollmentStatus.LEFT.apiName())) {
                return before;
            }
            Rollout r = stored.rollout();
            boolean wasEnrolled = before.status().equals(EnrollmentStatus.ENROLLED.apiName());
            enrollments.setStatus(h, rolloutKey, userId, EnrollmentStatus.LEFT, before.joinedPhase(), now);
            Rollout next = new Rollout(r.plan(), r.state(), r.currentPhase(), r.enrolled() - (wasEnrolled ? 1 : 0),
                    r.waitlisted() - (wasEnrolled ? 0 : 1), r.featuresWithdrawn());
            StoredRollout updated = promote(h, stored.with(next), actor, now);
            rollouts.updateState(h, updated, now);
            audit.record(h, now, actor, new AuditLog.Entry("enrollment.left", rolloutKey, userId,
                    Map.of("status", before.status()), Map.of("status", EnrollmentStatus.LEFT.apiName())));
            db.markRulesChanged(h);
            return enrollments.find(h, rolloutKey, userId).orElseThrow();
        }));
    }

    @Override
    public StoredRollout promote(Handle h, StoredRollout stored, Actor actor, Instant now) {
        Rollout r = stored.rollout();
        int n = Admission.promotions(r);
        if (n <= 0) {
            return stored;
        }
        List<String> promoted = enrollments.headOfWaitlist(h, r.key(), n);
        if (promoted.isEmpty()) {
            return stored;
        }
        enrollments.admit(h, r.key(), promoted, r.currentPhase(), now);
        notifier.admitted(h, r.plan(), r.currentPhase(), enrollments.findAll(h, r.key(), promoted).values().stream()
                .map(e -> new Recipient(e.userId(), e.email())).toList());
        List<AuditLog.Entry> entries = new ArrayList<>(promoted.size());
        for (String userId : promoted) {
            entries.add(new AuditLog.Entry("enrollment.promoted", r.key(), userId, Map.of("status", "waitlisted"),
                    Map.of("status", "enrolled", "phase", r.currentPhase())));
        }
        audit.recordAll(h, now, actor, entries);
        return stored.with(new Rollout(r.plan(), r.state(), r.currentPhase(), r.enrolled() + promoted.size(),
                r.waitlisted() - promoted.size(), r.featuresWithdrawn()));
    }

    public Enrollment get(String rolloutKey, String userId) {
        return db.withHandle(h -> {
            rollouts.find(h, rolloutKey).orElseThrow(() -> RolloutService.notFound(rolloutKey));
            Enrollment e = enrollments.find(h, rolloutKey, userId).orElseThrow(() ->
                    new PhasegateException.NotFound("user '" + Identifiers.printable(userId) + "' is not enrolled in rollout '" + rolloutKey + "'"));
            if (e.status().equals(EnrollmentStatus.WAITLISTED.apiName())) {
                return e.withPosition((int) enrollments.waitlistedBefore(h, rolloutKey, e.seq()) + 1);
            }
            return e;
        });
    }

    public List<Enrollment> page(String rolloutKey, EnrollmentStatus status, Integer phase, Long after, int limit) {
        return db.withHandle(h -> {
            rollouts.find(h, rolloutKey).orElseThrow(() -> RolloutService.notFound(rolloutKey));
            return enrollments.page(h, rolloutKey, status, phase, after, limit);
        });
    }
}
