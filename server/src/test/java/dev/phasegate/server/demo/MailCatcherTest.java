package dev.phasegate.server.demo;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's mail catcher with a real SMTP client (Angus Mail, as the node's email sender uses). */
class MailCatcherTest {

    private MailCatcher catcher;

    @BeforeEach
    void start() throws Exception {
        catcher = MailCatcher.start(0, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        catcher.close();
    }

    private void send(String to, String subject, String text) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(catcher.smtpPort()));
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("phasegate-demo@localhost"));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject(subject, "UTF-8");
        m.setText(text, "UTF-8");
        m.setHeader("X-Phasegate-Kind", "user.features-withdrawn");
        Transport.send(m);
    }

    @Test
    void catches_what_an_smtp_client_sends_with_its_subject_text_and_kind_decoded() throws Exception {
        send("ada@traders.example, bob@traders.example", "Änderung: features withdrawn — trading", "Hi ada,\n.\n..dots stay\nbye");
        send("oncall@trading.example", "second", "x");

        assertThat(catcher.messages()).hasSize(2);
        MailCatcher.Caught first = catcher.messages().getLast();
        assertThat(first.to()).containsExactly("ada@traders.example", "bob@traders.example");
        assertThat(first.from()).isEqualTo("phasegate-demo@localhost");
        assertThat(first.subject()).isEqualTo("Änderung: features withdrawn — trading");
        assertThat(first.text().replace("\r\n", "\n")).isEqualTo("Hi ada,\n.\n..dots stay\nbye");
        assertThat(first.kind()).isEqualTo("user.features-withdrawn");
        assertThat(catcher.messages().getFirst().subject()).as("newest first").isEqualTo("second");
    }

    @Test
    void the_page_lists_messages_with_every_value_escaped() throws Exception {
        send("eve@traders.example", "<script>alert(1)</script>", "a & b <img src=x onerror=alert(1)> \"q\" 'r'");

        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + catcher.webPort() + "/")).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("1 message.", "eve@traders.example", "&lt;script&gt;alert(1)&lt;/script&gt;",
                "a &amp; b &lt;img src=x onerror=alert(1)&gt; &quot;q&quot; &#39;r&#39;");
        assertThat(page.body()).doesNotContain("<script>", "<img");
    }

    @Test
    void address_reads_the_mailbox_between_angle_brackets_or_after_the_colon() {
        assertThat(MailCatcher.address("MAIL FROM:<a@b.example> SIZE=100")).isEqualTo("a@b.example");
        assertThat(MailCatcher.address("RCPT TO: c@d.example")).isEqualTo("c@d.example");
        assertThat(MailCatcher.address("RCPT")).isEmpty();
    }
}
