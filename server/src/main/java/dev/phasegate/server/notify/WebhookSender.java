package dev.phasegate.server.notify;

import dev.phasegate.core.plan.Contact;
import dev.phasegate.server.http.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Webhooks: a signed JSON POST (Phasegate's shape or a Slack-compatible one). 2xx is delivered; 408, 429,
 * 5xx, timeouts and connection errors are retried; any other answer (a 404, a 401, a redirect) is failed at
 * once, since sending the same request again will get the same answer.
 */
final class WebhookSender implements Sender {

    private final HttpClient client;
    private final Duration timeout;
    private final SigningKey key;
    private final Clock clock;

    WebhookSender(Duration timeout, SigningKey key, Clock clock) {
        this.timeout = timeout;
        this.key = key;
        this.clock = clock;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public Delivery send(Outbox.Claimed m) {
        byte[] body = Json.write(body(m)).getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(m.recipient())).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Phasegate")
                    .header("Idempotency-Key", headerSafe(m.idempotencyKey()))
                    .header("X-Phasegate-Timestamp", String.valueOf(timestamp))
                    .header("X-Phasegate-Signature", key.sign(timestamp, body))
                    .header("X-Phasegate-Kind", m.kind())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        } catch (IllegalArgumentException e) {
            return Delivery.failed("'" + m.recipient() + "' is not a usable URL: " + e.getMessage());
        }
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 200 && status < 300) {
                return Delivery.delivered();
            }
            String why = "the webhook answered HTTP " + status;
            if (status == 408 || status == 429 || status >= 500) {
                return Delivery.retry(why);
            }
            return Delivery.failed(why + (status >= 300 && status < 400 ? "; redirects are not followed, give the final URL"
                    : "; retrying would get the same answer"));
        } catch (HttpTimeoutException e) {
            return Delivery.retry("the webhook did not answer within " + timeout.toMillis() + " ms (webhookTimeout)");
        } catch (IOException e) {
            return Delivery.retry("cannot reach the webhook: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Delivery.retry("interrupted while sending (the node is stopping)");
        }
    }

    /** The key itself when it is printable ASCII (as keys made by the Notifier are), else its SHA-256. */
    static String headerSafe(String key) {
        return key.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? key : "sha256-" + Outbox.sha256(key);
    }

    /** The request body: the same on every attempt, so a receiver may compare two deliveries byte by byte. */
    static Map<String, Object> body(Outbox.Claimed m) {
        if (m.webhookFormat() == Contact.WebhookFormat.SLACK) {
            return slack(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", m.kind());
        body.put("rollout", m.rollout());
        body.put("incidentId", m.incidentId());
        body.put("subject", m.subject());
        body.put("text", m.text());
        body.put("data", m.payload());
        body.put("at", m.createdAt().toString());
        return body;
    }

    /** What a Slack incoming webhook accepts: a summary in {@code text} (notifications) and blocks to show. */
    private static Map<String, Object> slack(Outbox.Claimed m) {
        StringBuilder context = new StringBuilder("Phasegate · ").append(m.kind());
        if (m.rollout() != null) {
            context.append(" · rollout `").append(m.rollout()).append('`');
        }
        if (m.incidentId() != null) {
            context.append(" · incident #").append(m.incidentId());
        }
        context.append(" · ").append(m.createdAt());
        Map<String, Object> section = Map.of("type", "section",
                "text", Map.of("type", "mrkdwn", "text", "*" + escape(m.subject()) + "*\n" + escape(m.text())));
        Map<String, Object> contextBlock = Map.of("type", "context",
                "elements", List.of(Map.of("type", "mrkdwn", "text", escape(context.toString()))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", m.subject());
        body.put("blocks", List.of(section, contextBlock));
        return body;
    }

    /** Slack's three control characters in mrkdwn. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
