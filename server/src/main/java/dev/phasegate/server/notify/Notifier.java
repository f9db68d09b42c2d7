package dev.phasegate.server.notify;

import dev.phasegate.core.plan.Contact;
import dev.phasegate.core.plan.NoticeTemplates;
import dev.phasegate.core.plan.Plan;
import org.jdbi.v3.core.Handle;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to say to whom. Every method writes to the outbox in the caller's transaction, so a notice is sent
 * exactly when the change that caused it commits; the {@link DeliveryWorker} sends it afterwards.
 *
 * <p>Idempotency: each message's key is made of the notice, the rollout, the caller's {@code occasion} (a
 * phase number, a runbook run id, an incident id and its state) and the recipient. Calling again for the same
 * occasion (a re-run runbook step, a retried transaction) queues nothing new.
 *
 * <pre>{@code
 * db.inTransaction(h -> {
 *     notifier.toEnrolledUsers(h, plan, UserNotice.FEATURES_WITHDRAWN, "rollback-" + runId,
 *             Map.of("features", "ai-analysis", "reason", "error rate above 2 %"));
 *     notifier.toContacts(h, plan, new ContactEvent("contact.rollback-started", "critical",
 *             "Rollback of " + plan.key() + " started", why, Map.of("runId", runId), incidentId), "rollback-" + runId);
 *     return null;
 * });
 * }</pre>
 */
public final class Notifier {

    /** A notifier that tells no one: for components built without notifications (some tests). */
    public static final Notifier NONE = new Notifier(null, null);

    private final Outbox outbox;
    private final String link;

    /**
     * @param outbox    where messages go
     * @param publicUrl the address people use to reach Phasegate ({@code {{link}}}), or null
     */
    public Notifier(Outbox outbox, URI publicUrl) {
        this.outbox = outbox;
        this.link = publicUrl == null ? "" : publicUrl.toString();
    }

    /**
     * What was queued.
     *
     * @param queued       new messages in the outbox
     * @param duplicates   messages already queued for this occasion (nothing written)
     * @param withoutEmail users skipped because they gave no email
     */
    public record Result(int queued, int duplicates, int withoutEmail) {
        static final Result NOTHING = new Result(0, 0, 0);
    }

    /**
     * Tells {@code users} about {@code notice}, rendered from the plan's template.
     *
     * @param occasion what makes this notice distinct from an earlier one of the same kind to the same user,
     *                 e.g. {@code "phase-3"} or a runbook run id
     * @param values   placeholder values: {@code phase}, {@code features}, {@code reason}; {@code user},
     *                 {@code rollout}, {@code rolloutName} and {@code link} are filled in here
     */
    public Result toUsers(Handle h, Plan plan, UserNotice notice, String occasion, List<Recipient> users, Map<String, String> values) {
        if (outbox == null) {
            return Result.NOTHING;
        }
        NoticeTemplates.Template template = plan.notifications().template(notice.template());
        Map<String, String> common = new HashMap<>();
        common.put("rollout", plan.key());
        common.put("rolloutName", plan.name());
        common.put("link", link);
        common.putAll(values);
        List<OutgoingMessage> messages = new ArrayList<>(users.size());
        int withoutEmail = 0;
        for (Recipient user : users) {
            if (user.email() == null || user.email().isBlank()) {
                withoutEmail++;
                continue;
            }
            Map<String, String> mine = new HashMap<>(common);
            mine.put("user", user.userId());
            messages.add(new OutgoingMessage(notice.kind() + ":" + plan.key() + ":" + occasion + ":" + user.userId(), Channel.EMAIL,
                    user.email(), null, NoticeTemplates.render(template.subject(), mine), NoticeTemplates.render(template.body(), mine),
                    Map.of(), plan.key(), null, notice.kind()));
        }
        int queued = outbox.enqueueAll(h, messages);
        return new Result(queued, messages.size() - queued, withoutEmail);
    }

    /** Tells every user enrolled in the rollout now (with an email); see {@link #toUsers}. */
    public Result toEnrolledUsers(Handle h, Plan plan, UserNotice notice, String occasion, Map<String, String> values) {
        if (outbox == null) {
            return Result.NOTHING;
        }
        List<Recipient> users = h.createQuery("SELECT user_id, email FROM enrollment WHERE rollout_key = :r AND status = 'ENROLLED' "
                        + "AND email IS NOT NULL ORDER BY seq")
                .bind("r", plan.key()).map((rs, ctx) -> new Recipient(rs.getString(1), rs.getString(2))).list();
        return toUsers(h, plan, notice, occasion, users, values);
    }

    /**
     * Tells every contact of the plan: an email to each contact with an email, a webhook to each with a
     * webhook (in its {@code webhookFormat}).
     *
     * @param occasion what makes this event distinct, e.g. {@code "incident-17-acknowledged"}, a runbook run id
     */
    public Result toContacts(Handle h, Plan plan, ContactEvent event, String occasion) {
        if (outbox == null || plan.contacts().isEmpty()) {
            return Result.NOTHING;
        }
        Map<String, Object> data = new LinkedHashMap<>(event.data());
        if (event.severity() != null) {
            data.putIfAbsent("severity", event.severity());
        }
        String text = link.isEmpty() ? event.text() : event.text() + "\n\n" + link;
        String prefix = event.kind() + ":" + plan.key() + ":" + occasion + ":";
        List<OutgoingMessage> messages = new ArrayList<>();
        for (Contact c : plan.contacts()) {
            if (c.email() != null) {
                messages.add(new OutgoingMessage(prefix + "email:" + c.email(), Channel.EMAIL, c.email(), null, event.subject(), text,
                        data, plan.key(), event.incidentId(), event.kind()));
            }
            if (c.webhook() != null) {
                messages.add(new OutgoingMessage(prefix + "webhook:" + c.webhook(), Channel.WEBHOOK, c.webhook(), c.webhookFormat(),
                        event.subject(), text, data, plan.key(), event.incidentId(), event.kind()));
            }
        }
        int queued = outbox.enqueueAll(h, messages);
        return new Result(queued, messages.size() - queued, 0);
    }

    // ---- the hooks of enrollment and rollout transitions ---------------------------------------------------

    /** Users admitted at enrollment into {@code phase}. */
    public Result enrolled(Handle h, Plan plan, int phase, List<Recipient> users) {
        return toUsers(h, plan, UserNotice.ENROLLED, "phase-" + phase, users, phaseValues(plan, phase, cumulativeFeatures(plan, phase)));
    }

    /** Waitlisted users admitted into {@code phase} because a place opened. */
    public Result admitted(Handle h, Plan plan, int phase, List<Recipient> users) {
        return toUsers(h, plan, UserNotice.ADMITTED, "phase-" + phase, users, phaseValues(plan, phase, cumulativeFeatures(plan, phase)));
    }

    /**
     * The rollout moved to {@code phase}: every enrolled user hears about its new features (nothing is sent
     * for a phase that unlocks none).
     *
     * @param occasion distinct per arrival in the phase (a phase reached again after a rollback is news again)
     */
    public Result featuresArrived(Handle h, Plan plan, int phase, String occasion) {
        List<String> added = plan.phase(phase).features();
        if (added.isEmpty()) {
            return Result.NOTHING;
        }
        return toEnrolledUsers(h, plan, UserNotice.FEATURES_ARRIVED, occasion, phaseValues(plan, phase, added));
    }

    private static Map<String, String> phaseValues(Plan plan, int phase, List<String> features) {
        Map<String, String> values = new HashMap<>();
        values.put("phase", plan.phase(phase).name());
        values.put("features", features.isEmpty() ? "none yet" : String.join(", ", features));
        return values;
    }

    private static List<String> cumulativeFeatures(Plan plan, int phase) {
        List<String> features = new ArrayList<>();
        for (int n = 1; n <= phase; n++) {
            features.addAll(plan.phase(n).features());
        }
        return features;
    }
}
