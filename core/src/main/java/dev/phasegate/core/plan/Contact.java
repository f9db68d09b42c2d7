package dev.phasegate.core.plan;

import java.util.Optional;

/**
 * Someone (or something) told about alerts, rollbacks and incidents.
 *
 * @param name          who
 * @param email         an email address, or null
 * @param webhook       an http(s) URL receiving JSON, or null
 * @param role          e.g. "on-call", "release-manager"
 * @param webhookFormat the webhook's payload: Phasegate's JSON (default) or a Slack-compatible message
 */
public record Contact(String name, String email, String webhook, String role, WebhookFormat webhookFormat) {

    public Contact {
        webhookFormat = webhookFormat == null ? WebhookFormat.JSON : webhookFormat;
    }

    /** A contact whose webhook (if any) receives Phasegate's JSON. */
    public Contact(String name, String email, String webhook, String role) {
        this(name, email, webhook, role, WebhookFormat.JSON);
    }

    /** The body a webhook receives. */
    public enum WebhookFormat {
        /** {@code {"kind", "rollout", "incidentId", "subject", "text", "data", "at"}} */
        JSON("json"),
        /** {@code {"text", "blocks"}}: what a Slack (or Mattermost, Rocket.Chat) incoming webhook accepts */
        SLACK("slack");

        private final String planName;

        WebhookFormat(String planName) {
            this.planName = planName;
        }

        public String planName() {
            return planName;
        }

        public static Optional<WebhookFormat> byPlanName(String name) {
            for (WebhookFormat f : values()) {
                if (f.planName.equals(name)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }
}
