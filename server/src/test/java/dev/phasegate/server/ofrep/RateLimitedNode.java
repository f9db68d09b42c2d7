package dev.phasegate.server.ofrep;

import dev.phasegate.server.limit.RateLimit;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.config.Settings;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.sdk.RulesCache;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.testing.TestStore;
import dev.phasegate.server.token.TokenKind;
import dev.phasegate.server.token.TokenService;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node serving only OFREP, with a rate limit of the test's choosing and a nanosecond clock the test
 * moves: the production node keeps its generous default, so the limit is reached here instead.
 */
final class RateLimitedNode implements AutoCloseable {

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final TestStore store = TestStore.h2();
    private final Database db;
    private final RulesCache rules;
    private final HttpApi http;
    private final TokenService tokens;

    RateLimitedNode(RateLimit limit) {
        Settings settings = store.settings();
        db = Database.open(settings);
        tokens = new TokenService(db, new AuditLog(), Clock.systemUTC(), new SecureRandom());
        tokens.bootstrap(settings.adminToken());
        rules = new RulesCache(db, new RolloutRepository(), Clock.systemUTC());
        http = new HttpApi(tokens, settings.maxBodyBytes(), "127.0.0.1", 0);
        OfrepRoutes.register(http, rules, limit, nanos::get);
        http.start();
    }

    String base() {
        return "http://127.0.0.1:" + http.port();
    }

    /** A new sdk token's secret. */
    String sdkToken() {
        return tokens.create(TokenKind.SDK, "limited", new Actor("test", "test")).secret();
    }

    @Override
    public void close() {
        http.stop();
        rules.close();
        db.close();
        store.close();
    }
}
