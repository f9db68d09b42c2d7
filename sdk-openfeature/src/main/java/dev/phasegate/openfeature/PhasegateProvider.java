package dev.phasegate.openfeature;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FeatureProvider;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import dev.phasegate.sdk.PhasegateClient;
import dev.phasegate.sdk.PhasegateConfig;
import dev.phasegate.sdk.Result;

import java.time.Duration;

/**
 * An OpenFeature provider that evaluates locally through a {@link PhasegateClient}. Phasegate features are
 * booleans; the context's targeting key is the user id.
 *
 * <pre>{@code
 * OpenFeatureAPI.getInstance().setProviderAndWait(new PhasegateProvider(
 *     PhasegateConfig.builder(URI.create("http://localhost:8080"), sdkToken).build()));
 * boolean on = OpenFeatureAPI.getInstance().getClient()
 *     .getBooleanValue("ai-analysis", false, new ImmutableContext("user-42"));
 * }</pre>
 *
 * Reasons map as the OFREP server maps them: enrolled → TARGETING_MATCH, percentage ramp → SPLIT,
 * completed rollout → STATIC, kill switch / rolled back / paused / not started → DISABLED, otherwise off →
 * DEFAULT. The Phasegate reason is in the flag metadata as {@code phasegateReason}.
 */
public final class PhasegateProvider implements FeatureProvider {

    /** How long {@link #initialize} waits for the first rules before letting the application go on. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(10);

    private final PhasegateConfig config;
    private final Duration readyTimeout;
    private volatile PhasegateClient client;
    private final boolean ownsClient;

    /** A provider that starts (and on shutdown closes) its own client. */
    public PhasegateProvider(PhasegateConfig config) {
        this(config, DEFAULT_READY_TIMEOUT);
    }

    public PhasegateProvider(PhasegateConfig config, Duration readyTimeout) {
        this.config = config;
        this.readyTimeout = readyTimeout;
        this.ownsClient = true;
    }

    /** A provider over a client the application manages. */
    public PhasegateProvider(PhasegateClient client) {
        this.config = null;
        this.readyTimeout = DEFAULT_READY_TIMEOUT;
        this.client = client;
        this.ownsClient = false;
    }

    @Override
    public Metadata getMetadata() {
        return () -> "phasegate";
    }

    @Override
    public void initialize(EvaluationContext evaluationContext) throws Exception {
        if (client == null) {
            client = PhasegateClient.start(config);
        }
        // Evaluations before the first rules answer the default with PROVIDER_NOT_READY; waiting here
        // lets a starting application begin with real rules when the server answers in time.
        client.awaitReady(readyTimeout);
    }

    @Override
    public void shutdown() {
        if (ownsClient && client != null) {
            client.close();
        }
    }

    @Override
    public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
        PhasegateClient c = client;
        boolean fallback = defaultValue != null && defaultValue;
        if (c == null || !c.isReady()) {
            return error(defaultValue, ErrorCode.PROVIDER_NOT_READY, "Phasegate has no rules yet");
        }
        String userId = ctx == null ? null : ctx.getTargetingKey();
        if (userId == null || userId.isEmpty()) {
            return error(defaultValue, ErrorCode.TARGETING_KEY_MISSING, "Phasegate evaluates per user: set the targeting key to the user id");
        }
        Result result = c.evaluate(key, dev.phasegate.sdk.EvaluationContext.of(userId), fallback);
        if (result.reason().equals("unknown-feature")) {
            return error(defaultValue, ErrorCode.FLAG_NOT_FOUND, "no Phasegate rollout has feature '" + key + "'");
        }
        return ProviderEvaluation.<Boolean>builder()
                .value(result.value())
                .variant(result.value() ? "on" : "off")
                .reason(reason(result.reason()).name())
                .flagMetadata(ImmutableMetadata.builder().addString("phasegateReason", result.reason())
                        .addLong("rulesVersion", result.version()).build())
                .build();
    }

    static Reason reason(String phasegateReason) {
        return switch (phasegateReason) {
            case "enrolled-phase" -> Reason.TARGETING_MATCH;
            case "percentage" -> Reason.SPLIT;
            case "completed" -> Reason.STATIC;
            case "kill-switch", "rolled-back", "paused", "not-started" -> Reason.DISABLED;
            default -> Reason.DEFAULT;
        };
    }

    private static <T> ProviderEvaluation<T> error(T defaultValue, ErrorCode code, String message) {
        return ProviderEvaluation.<T>builder().value(defaultValue).reason(Reason.ERROR.name()).errorCode(code).errorMessage(message).build();
    }

    private static <T> ProviderEvaluation<T> typeMismatch(T defaultValue, String key) {
        return error(defaultValue, ErrorCode.TYPE_MISMATCH, "Phasegate feature '" + key + "' is a boolean");
    }

    @Override
    public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
        return typeMismatch(defaultValue, key);
    }

    @Override
    public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
        return typeMismatch(defaultValue, key);
    }

    @Override
    public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
        return typeMismatch(defaultValue, key);
    }

    @Override
    public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
        return typeMismatch(defaultValue, key);
    }
}
