package dev.phasegate.server.limit;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Failed sign-ins, counted per name and per client address: guessing one person's password, or many
 * people's from one place, is slowed to the limits' rates. Only failures count, and a successful sign-in
 * clears its name's count (a person who mistyped twice starts afresh).
 *
 * <pre>{@code
 * long wait = throttle.delay(name, address); // > 0: answer 429 without checking the password
 * if (!signedIn) throttle.failed(name, address); else throttle.succeeded(name);
 * }</pre>
 */
public final class SignInThrottle {

    private final RateLimiter byName;
    private final RateLimiter byAddress;

    public SignInThrottle(RateLimit perName, RateLimit perAddress, LongSupplier nanoTime) {
        this.byName = new RateLimiter(perName, nanoTime);
        this.byAddress = new RateLimiter(perAddress, nanoTime);
    }

    /** Nanoseconds until a sign-in for {@code name} from {@code address} may be tried; 0 now. */
    public long delay(String name, String address) {
        return Math.max(byName.peek(nameKey(name)), byAddress.peek(address));
    }

    public void failed(String name, String address) {
        byName.delayFor(nameKey(name));
        byAddress.delayFor(address);
    }

    public void succeeded(String name) {
        byName.reset(nameKey(name));
    }

    /** Names are matched as people type them, so "Alice" and "alice " share one count. */
    private static String nameKey(String name) {
        return name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    }
}
