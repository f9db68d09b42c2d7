package dev.phasegate.server.runbook;

import java.time.Instant;
import java.util.Map;

/** What a step's effect came to: done, or (verify-recovery) look again later. Failures are exceptions. */
sealed interface StepOutcome {

    Map<String, Object> result();

    record Done(Map<String, Object> result) implements StepOutcome {
    }

    record Wait(Instant until, Map<String, Object> result) implements StepOutcome {
    }
}
