package dev.phasegate.server.config;

import java.net.URI;
import java.time.Duration;

/**
 * Settings of outgoing notifications and of the guardian: one immutable value inside {@link Settings}.
 *
 * @param smtpHost              SMTP server for email, or null for no email (notices are then logged as undeliverable)
 * @param smtpPort              its port
 * @param smtpFrom              the From address
 * @param smtpUser              SMTP user, or null for none
 * @param smtpPassword          SMTP password, or null (never logged)
 * @param smtpStartTls          require STARTTLS
 * @param webhookSecret         key of the HMAC-SHA256 signature on webhooks, or null to generate one and keep it in the store
 * @param webhookTimeout        how long a webhook may take before it counts as failed
 * @param publicUrl             the address people use to reach Phasegate, for links in notices; null for none
 * @param insufficientDataGrace how long a guard may lack data (or fail) before the guardian alerts about it
 */
public record Notifications(String smtpHost, int smtpPort, String smtpFrom, String smtpUser, String smtpPassword,
                            boolean smtpStartTls, String webhookSecret, Duration webhookTimeout, URI publicUrl,
                            Duration insufficientDataGrace) {

    public static final int DEFAULT_SMTP_PORT = 25;
    public static final String DEFAULT_SMTP_FROM = "phasegate@localhost";
    /** A webhook that has not answered in 10 s is down for our purposes; the outbox retries it later. */
    public static final Duration DEFAULT_WEBHOOK_TIMEOUT = Duration.ofSeconds(10);
    /** Five minutes without data: longer than a deploy's restart, shorter than an unnoticed outage. */
    public static final Duration DEFAULT_INSUFFICIENT_DATA_GRACE = Duration.ofMinutes(5);

    public static final Notifications DEFAULTS = new Notifications(null, DEFAULT_SMTP_PORT, DEFAULT_SMTP_FROM, null, null,
            false, null, DEFAULT_WEBHOOK_TIMEOUT, null, DEFAULT_INSUFFICIENT_DATA_GRACE);

    public Notifications withSmtp(String host, int port) {
        return new Notifications(host, port, smtpFrom, smtpUser, smtpPassword, smtpStartTls, webhookSecret, webhookTimeout,
                publicUrl, insufficientDataGrace);
    }

    public Notifications withWebhook(String secret, Duration timeout) {
        return new Notifications(smtpHost, smtpPort, smtpFrom, smtpUser, smtpPassword, smtpStartTls, secret, timeout,
                publicUrl, insufficientDataGrace);
    }

    public Notifications withInsufficientDataGrace(Duration grace) {
        return new Notifications(smtpHost, smtpPort, smtpFrom, smtpUser, smtpPassword, smtpStartTls, webhookSecret,
                webhookTimeout, publicUrl, grace);
    }

    /** Never the SMTP password or the webhook secret. */
    @Override
    public String toString() {
        return "Notifications[smtpHost=" + smtpHost + ", smtpPort=" + smtpPort + ", smtpFrom=" + smtpFrom + ", smtpUser="
                + smtpUser + ", smtpPassword=" + (smtpPassword == null ? null : "***") + ", smtpStartTls=" + smtpStartTls
                + ", webhookSecret=" + (webhookSecret == null ? null : "***") + ", webhookTimeout=" + webhookTimeout
                + ", publicUrl=" + publicUrl + ", insufficientDataGrace=" + insufficientDataGrace + "]";
    }
}
