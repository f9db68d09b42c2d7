package dev.phasegate.server.runbook;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/** An entry of a run's timeline: started, joined, a step done or failed, the watchdog, finished. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunbookEvent(long id, Instant at, String kind, String text, Map<String, Object> data) {
}
