package dev.phasegate.server.notify;

/** How a message travels. */
public enum Channel {
    /** SMTP; the recipient is an email address. */
    EMAIL,
    /** HTTP POST of JSON; the recipient is an http(s) URL. */
    WEBHOOK
}
