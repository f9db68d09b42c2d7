package dev.phasegate.server.notify;

import dev.phasegate.server.config.Notifications;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;

/**
 * Email over SMTP (Angus Mail). The Message-ID comes from the idempotency key, so a message sent twice after
 * a crash carries the same id both times and mail clients show it once.
 */
final class EmailSender implements Sender {

    /**
     * Each SMTP step (connect, read, write) may take this long. A relay slower than 10 s is down for our
     * purposes; the message is retried later instead of holding the worker.
     */
    static final int SMTP_TIMEOUT_MILLIS = 10_000;

    static final String NO_SMTP = "no SMTP server configured (smtpHost): set PHASEGATE_SMTP_HOST to send email";

    private final Notifications settings;
    private final Session session;

    EmailSender(Notifications settings) {
        this.settings = settings;
        Properties p = new Properties();
        if (settings.smtpHost() != null) {
            p.put("mail.smtp.host", settings.smtpHost());
            p.put("mail.smtp.port", String.valueOf(settings.smtpPort()));
        }
        p.put("mail.smtp.connectiontimeout", String.valueOf(SMTP_TIMEOUT_MILLIS));
        p.put("mail.smtp.timeout", String.valueOf(SMTP_TIMEOUT_MILLIS));
        p.put("mail.smtp.writetimeout", String.valueOf(SMTP_TIMEOUT_MILLIS));
        if (settings.smtpStartTls()) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (settings.smtpUser() != null) {
            p.put("mail.smtp.auth", "true");
        }
        this.session = Session.getInstance(p);
    }

    @Override
    public Delivery send(Outbox.Claimed m) {
        if (settings.smtpHost() == null) {
            return Delivery.failed(NO_SMTP);
        }
        MimeMessage message;
        try {
            message = new KeyedMessage(session, "<" + Outbox.sha256(m.idempotencyKey()).substring(0, 32) + "@phasegate>");
            message.setFrom(new InternetAddress(settings.smtpFrom()));
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(m.recipient(), true));
            message.setSubject(m.subject(), StandardCharsets.UTF_8.name());
            message.setText(m.text(), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(m.createdAt()));
            message.setHeader("X-Phasegate-Kind", m.kind());
        } catch (AddressException e) {
            return Delivery.failed("'" + m.recipient() + "' is not an email address: " + e.getMessage());
        } catch (MessagingException e) {
            return Delivery.failed("the message could not be built: " + e.getMessage());
        }
        try {
            if (settings.smtpUser() != null) {
                Transport.send(message, settings.smtpUser(), settings.smtpPassword());
            } else {
                Transport.send(message);
            }
            return Delivery.delivered();
        } catch (AuthenticationFailedException e) {
            // Wrong credentials stay wrong until someone fixes the settings; retrying lets a fix take effect.
            return Delivery.retry("SMTP server " + server() + " refused the login of smtpUser: " + e.getMessage());
        } catch (SendFailedException e) {
            int code = replyCode(e);
            String why = "SMTP server " + server() + " refused the message" + (code > 0 ? " (" + code + ")" : "") + ": " + oneLine(e.getMessage());
            // 5xx is permanent in SMTP (RFC 5321 §4.2.1): that mailbox will not accept it later either.
            return code >= 500 ? Delivery.failed(why) : Delivery.retry(why);
        } catch (MessagingException e) {
            return Delivery.retry("cannot reach SMTP server " + server() + ": " + oneLine(rootMessage(e)));
        }
    }

    private String server() {
        return settings.smtpHost() + ":" + settings.smtpPort();
    }

    private static int replyCode(SendFailedException e) {
        for (Exception next = e; next != null; next = next instanceof MessagingException me ? me.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException a) {
                return a.getReturnCode();
            }
            if (next instanceof SMTPSendFailedException s) {
                return s.getReturnCode();
            }
        }
        return -1;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")";
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }

    /** A message whose Message-ID is ours, not one generated at send time. */
    private static final class KeyedMessage extends MimeMessage {
        private final String id;

        KeyedMessage(Session session, String id) {
            super(session);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", id);
        }
    }
}
