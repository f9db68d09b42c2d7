package dev.phasegate.server.demo;

import com.sun.net.httpserver.HttpServer;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A mail catcher for the demo: an SMTP receiver on loopback that keeps what it is sent in memory, and a page
 * listing it. The node sends its notices to it through its ordinary email path (outbox, worker, SMTP), so the
 * demo's emails are really sent and recorded as delivered, with no mail server to install and nothing leaving
 * the machine. It speaks just enough SMTP (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for a client
 * such as Angus Mail; it is no mail server (no relaying, no authentication, no TLS), which is why it lives here
 * and binds loopback only.
 */
final class MailCatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MailCatcher.class);

    /** Messages kept for the page: the demo sends a few hundred; older ones are dropped beyond this. */
    static final int KEEP = 2_000;
    /** A line longer than this is not SMTP (RFC 5321 allows 1,000 octets); the connection is closed. */
    private static final int MAX_LINE = 10_000;
    /** A message larger than this is refused (552); the demo's are a few kilobytes. */
    private static final int MAX_MESSAGE = 1 << 20;

    /** One message as received: envelope, and the subject, text and Phasegate kind read from its MIME content. */
    record Caught(Instant at, String from, List<String> to, String subject, String text, String kind) {
    }

    private final Clock clock;
    private final ServerSocket smtp;
    private final HttpServer web;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final Deque<Caught> caught = new ArrayDeque<>();
    private final Session session = Session.getInstance(new Properties());
    private volatile boolean closed;

    private MailCatcher(Clock clock, ServerSocket smtp, HttpServer web) {
        this.clock = clock;
        this.smtp = smtp;
        this.web = web;
    }

    /**
     * Starts the SMTP receiver on a free loopback port and the page on {@code webPort} (0: a free one; when
     * taken, a free one instead, so a busy 8025 never stops the demo).
     */
    static MailCatcher start(int webPort, Clock clock) throws IOException {
        ServerSocket smtp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        HttpServer web;
        try {
            web = bind(webPort);
        } catch (IOException e) {
            if (webPort == 0) {
                smtp.close();
                throw e;
            }
            web = bind(0);
        }
        MailCatcher catcher = new MailCatcher(clock, smtp, web);
        web.createContext("/", exchange -> {
            byte[] page = MailPage.render(catcher.messages()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.sendResponseHeaders("/".equals(exchange.getRequestURI().getPath()) ? 200 : 404, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        web.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        web.start();
        Thread acceptor = new Thread(catcher::accept, "phasegate-demo-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
        return catcher;
    }

    private static HttpServer bind(int port) throws IOException {
        return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    }

    int smtpPort() {
        return smtp.getLocalPort();
    }

    int webPort() {
        return web.getAddress().getPort();
    }

    /** What was received, newest first. */
    synchronized List<Caught> messages() {
        return new ArrayList<>(caught);
    }

    private synchronized void keep(Caught m) {
        caught.addFirst(m);
        while (caught.size() > KEEP) {
            caught.removeLast();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = smtp.accept();
                connections.submit(() -> converse(socket));
            } catch (IOException e) {
                if (!closed) {
                    log.warn("mail catcher: accepting an SMTP connection failed; going on", e);
                }
            }
        }
    }

    private void converse(Socket socket) {
        try (socket; InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
             OutputStream out = socket.getOutputStream()) {
            socket.setSoTimeout(30_000);
            reply(out, "220 phasegate-demo mail catcher ESMTP");
            String from = null;
            List<String> to = new ArrayList<>();
            for (String line; (line = readLine(in)) != null; ) {
                String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(java.util.Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> reply(out, "250-phasegate-demo\r\n250-8BITMIME\r\n250 SIZE " + MAX_MESSAGE);
                    case "HELO" -> reply(out, "250 phasegate-demo");
                    case "MAIL" -> {
                        from = address(line);
                        to.clear();
                        reply(out, "250 OK");
                    }
                    case "RCPT" -> {
                        if (from == null) {
                            reply(out, "503 MAIL first");
                        } else {
                            to.add(address(line));
                            reply(out, "250 OK");
                        }
                    }
                    case "DATA" -> {
                        if (to.isEmpty()) {
                            reply(out, "503 RCPT first");
                            continue;
                        }
                        reply(out, "354 end with <CRLF>.<CRLF>");
                        byte[] data = readData(in);
                        if (data == null) {
                            reply(out, "552 message too large");
                        } else {
                            keep(parse(from, to, data));
                            reply(out, "250 OK caught");
                        }
                        from = null;
                        to = new ArrayList<>();
                    }
                    case "RSET" -> {
                        from = null;
                        to.clear();
                        reply(out, "250 OK");
                    }
                    case "NOOP" -> reply(out, "250 OK");
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 command not implemented");
                }
            }
        } catch (IOException e) {
            if (!closed) {
                log.debug("mail catcher: SMTP conversation ended: {}", e.toString());
            }
        }
    }

    private Caught parse(String from, List<String> to, byte[] data) {
        try {
            MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(data));
            Object content = m.getContent();
            return new Caught(clock.instant(), from, List.copyOf(to), m.getSubject(),
                    content instanceof String s ? withoutFinalLineBreak(s) : "(" + m.getContentType() + ")",
                    m.getHeader("X-Phasegate-Kind", null));
        } catch (MessagingException | IOException e) {
            return new Caught(clock.instant(), from, List.copyOf(to), "(unreadable message: " + e.getMessage() + ")",
                    new String(data, StandardCharsets.UTF_8), null);
        }
    }

    /** SMTP ends the data with a line break the sender added when the text had none; the page shows the text. */
    private static String withoutFinalLineBreak(String text) {
        return text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /** The address in {@code MAIL FROM:<a>} or {@code RCPT TO:<a>}. */
    static String address(String line) {
        int open = line.indexOf('<');
        int close = line.indexOf('>', open + 1);
        if (open >= 0 && close > open) {
            return line.substring(open + 1, close);
        }
        int colon = line.indexOf(':');
        return colon < 0 ? "" : line.substring(colon + 1).strip();
    }

    /** The message after DATA up to the lone dot, with dot-stuffing undone; null when too large. */
    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        boolean tooLarge = false;
        for (String line; (line = readLine(in)) != null; ) {
            if (line.equals(".")) {
                return tooLarge ? null : data.toByteArray();
            }
            if (line.startsWith(".")) {
                line = line.substring(1);
            }
            if (data.size() + line.length() > MAX_MESSAGE) {
                tooLarge = true;
                continue;
            }
            data.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
            data.writeBytes(new byte[]{'\r', '\n'});
        }
        throw new IOException("the connection closed inside DATA");
    }

    /** One line without its CRLF, bytes kept as ISO-8859-1 chars (8BITMIME content survives); null at the end. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("a line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
        return line.isEmpty() ? null : line.toString();
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() {
        closed = true;
        try {
            smtp.close();
        } catch (IOException e) {
            log.debug("closing the mail catcher's socket: {}", e.toString());
        }
        web.stop(0);
        connections.shutdownNow();
    }
}
