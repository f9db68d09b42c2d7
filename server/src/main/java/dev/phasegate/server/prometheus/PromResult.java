package dev.phasegate.server.prometheus;

import java.time.Instant;

/** The answer to an instant PromQL query: exactly one of a value, no data, or a failure. */
public sealed interface PromResult {

    /** One number: the query's single series (or scalar) at {@code at}, the sample's timestamp. */
    record Value(double value, Instant at) implements PromResult {
    }

    /** The query is valid but selected no series now (an empty vector), e.g. a metric not yet scraped. */
    record NoData(String why) implements PromResult {
    }

    /**
     * No usable number: bad PromQL (with Prometheus's own message), Prometheus unreachable or too slow, more
     * than one series, NaN, or an answer that is not an instant vector or scalar.
     */
    record Failure(String reason) implements PromResult {
    }
}
