/**
 * Notifications: an outbox written in the same transaction as the change that causes it, a delivery worker
 * that sends email (SMTP) and webhooks (signed JSON or Slack-compatible) with retries and a delivery log, and
 * the {@link dev.phasegate.server.notify.Notifier} that decides what beta users and contacts are told.
 *
 * <p>Sending is at least once (a crash between sending and recording sends again, with the same idempotency
 * key and Message-ID); recording is exactly once (the message row is unique by its idempotency key and ends
 * delivered or failed once).
 */
package dev.phasegate.server.notify;
