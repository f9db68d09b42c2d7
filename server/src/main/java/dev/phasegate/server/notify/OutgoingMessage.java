package dev.phasegate.server.notify;

import dev.phasegate.core.plan.Contact;

import java.util.Map;
import java.util.Objects;

/**
 * One notification to send, as enqueued.
 *
 * <pre>{@code
 * outbox.enqueue(h, new OutgoingMessage("contact.rollback-started:trading:run-7:ops@example.com", Channel.EMAIL,
 *         "ops@example.com", null, "Rollback started", "Rollout trading is rolling back: ...", Map.of(),
 *         "trading", 42L, "contact.rollback-started"));
 * }</pre>
 *
 * @param idempotencyKey unique per notice and recipient: enqueueing the same key again is a no-op
 * @param channel        email or webhook
 * @param recipient      an email address, or the webhook's URL
 * @param webhookFormat  for webhooks: the payload shape (null means JSON); ignored for email
 * @param subject        one line
 * @param text           the plain-text body (the webhook's {@code text})
 * @param payload        for webhooks: structured details ({@code data} in JSON); may be empty
 * @param rolloutKey     the rollout it is about, or null
 * @param incidentId     the incident it is about, or null
 * @param kind           what it tells, e.g. {@code user.enrolled}, {@code contact.rollback-started}
 */
public record OutgoingMessage(String idempotencyKey, Channel channel, String recipient, Contact.WebhookFormat webhookFormat,
                              String subject, String text, Map<String, Object> payload, String rolloutKey, Long incidentId,
                              String kind) {

    public OutgoingMessage {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(kind, "kind");
        subject = subject == null ? "" : subject;
        text = text == null ? "" : text;
        payload = payload == null ? Map.of() : payload;
        if (channel == Channel.WEBHOOK && webhookFormat == null) {
            webhookFormat = Contact.WebhookFormat.JSON;
        }
        if (channel == Channel.EMAIL) {
            webhookFormat = null;
        }
    }
}
