package dev.phasegate.server.runbook;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/**
 * One step of a run as stored.
 *
 * @param state         {@code pending}, {@code running} (started; found so after a crash, it is tried again),
 *                      {@code waiting} (verify-recovery polling), {@code done}, {@code failed} (past its attempts)
 * @param attempts      how many times it was started
 * @param nextAttemptAt not before this
 * @param node          the node that ran it last
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunbookStep(int position, String step, String state, int attempts, String lastError, Instant nextAttemptAt,
                          Instant startedAt, Instant finishedAt, Map<String, Object> result, String node) {

    static final String PENDING = "pending";
    static final String RUNNING = "running";
    static final String WAITING = "waiting";
    static final String DONE = "done";
    static final String FAILED = "failed";

    boolean finished() {
        return DONE.equals(state) || FAILED.equals(state);
    }
}
