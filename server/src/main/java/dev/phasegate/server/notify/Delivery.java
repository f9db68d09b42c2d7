package dev.phasegate.server.notify;

import java.util.Locale;

/**
 * How one attempt to send ended, as a value: senders never throw for an expected failure.
 *
 * @param outcome delivered, retry (a failure that may pass: timeout, 5xx, connection refused), or failed (one that will not)
 * @param error   why it was not delivered, for the delivery log; null when delivered
 */
record Delivery(Outcome outcome, String error) {

    enum Outcome {
        DELIVERED, RETRY, FAILED;

        String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static Delivery delivered() {
        return new Delivery(Outcome.DELIVERED, null);
    }

    static Delivery retry(String error) {
        return new Delivery(Outcome.RETRY, error);
    }

    static Delivery failed(String error) {
        return new Delivery(Outcome.FAILED, error);
    }
}
