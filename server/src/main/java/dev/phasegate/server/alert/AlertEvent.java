package dev.phasegate.server.alert;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of an alert's history.
 *
 * @param kind   {@code pending}, {@code firing}, {@code resolved}, {@code acknowledged}, {@code silenced},
 *               {@code unsilenced}, {@code inhibited}, {@code uninhibited}
 * @param actor  who: {@code system} for the guard engine, else the token
 * @param detail what the entry needs to be understood (summary, decision, silence, comment)
 */
public record AlertEvent(long id, Instant at, String kind, String actor, Map<String, Object> detail) {
}
