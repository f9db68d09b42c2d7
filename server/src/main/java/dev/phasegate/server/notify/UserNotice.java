package dev.phasegate.server.notify;

import dev.phasegate.core.plan.NoticeTemplates;

/** What a beta user is told, each with its template in the plan ({@code notifications.templates.<name>}). */
public enum UserNotice {
    /** Admitted at enrollment. */
    ENROLLED(NoticeTemplates.ENROLLED),
    /** Moved from the waitlist into the rollout. */
    ADMITTED(NoticeTemplates.ADMITTED),
    /** The rollout advanced: new features are on. */
    FEATURES_ARRIVED(NoticeTemplates.FEATURES_ARRIVED),
    /** A rollback (or a hard pause) took features away. */
    FEATURES_WITHDRAWN(NoticeTemplates.FEATURES_WITHDRAWN);

    private final String template;

    UserNotice(String template) {
        this.template = template;
    }

    /** The template's name in the plan, e.g. {@code features-arrived}. */
    public String template() {
        return template;
    }

    /** The outbox kind, e.g. {@code user.features-arrived}. */
    public String kind() {
        return "user." + template;
    }
}
