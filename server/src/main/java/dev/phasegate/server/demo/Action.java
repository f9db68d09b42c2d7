package dev.phasegate.server.demo;

import java.util.random.RandomGenerator;

/**
 * What a simulated trader does in the application, with its latency and error model.
 *
 * <p>Latencies are log-normal (the usual shape of service times: a floor, a body, a long right tail), given by
 * their median and the standard deviation of their logarithm. The medians are those of a web trading front
 * end: reading a portfolio is a cached read (~40 ms), placing an order goes through risk checks and routing
 * (~80 ms), a strategy backtest is a few hundred ms, and an AI analysis calls a model (~400 ms). Error rates
 * of 0.2–0.5 % are a healthy production service's.
 */
enum Action {

    PLACE_ORDER("/api/orders", "basic-trading", false, 80, 0.5, 0.003),
    VIEW_PORTFOLIO("/api/portfolio", "portfolio-view", false, 40, 0.4, 0.002),
    AI_ANALYSIS("/api/analysis", "ai-analysis", true, 400, 0.6, 0.005),
    ADVANCED_STRATEGIES("/api/strategies", "advanced-strategies", true, 250, 0.5, 0.003);

    /** Under the fault, a request of the faulty feature fails this often (a broken dependency). */
    static final double FAULT_ERROR_RATE = 0.15;
    /** ... and takes this many times longer (timeouts and retries behind it). */
    static final double FAULT_LATENCY_FACTOR = 5;

    private final String route;
    private final String feature;
    private final boolean betaOnly;
    private final double medianMs;
    private final double sigma;
    private final double errorRate;

    Action(String route, String feature, boolean betaOnly, double medianMs, double sigma, double errorRate) {
        this.route = route;
        this.feature = feature;
        this.betaOnly = betaOnly;
        this.medianMs = medianMs;
        this.sigma = sigma;
        this.errorRate = errorRate;
    }

    String route() {
        return route;
    }

    /** The rollout's feature this action uses when the trader has it. */
    String feature() {
        return feature;
    }

    /**
     * Whether only users with the feature can do it at all. Orders and portfolios exist for everyone: users
     * without the feature use the current version (and are the control cohort).
     */
    boolean betaOnly() {
        return betaOnly;
    }

    double medianMs() {
        return medianMs;
    }

    double errorRate() {
        return errorRate;
    }

    /** A latency drawn from the action's log-normal distribution, in milliseconds. */
    double latencyMs(RandomGenerator random, boolean faulty) {
        double ms = medianMs * Math.exp(sigma * random.nextGaussian());
        return faulty ? ms * FAULT_LATENCY_FACTOR : ms;
    }

    /** Whether one request fails. */
    boolean fails(RandomGenerator random, boolean faulty) {
        return random.nextDouble() < (faulty ? FAULT_ERROR_RATE : errorRate);
    }
}
