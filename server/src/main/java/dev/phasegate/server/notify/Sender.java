package dev.phasegate.server.notify;

/** Sends one message over one channel; returns how it went and never throws for a failed delivery. */
interface Sender {
    Delivery send(Outbox.Claimed message);
}
