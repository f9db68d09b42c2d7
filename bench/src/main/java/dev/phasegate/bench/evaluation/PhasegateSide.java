package dev.phasegate.bench.evaluation;

import dev.phasegate.core.gate.Evaluator;
import dev.phasegate.core.gate.FeatureRule;
import dev.phasegate.core.gate.RolloutRules;
import dev.phasegate.core.gate.RulesCodec;
import dev.phasegate.core.gate.RulesSnapshot;
import dev.phasegate.core.rollout.RolloutState;
import dev.phasegate.sdk.PhasegateClient;
import dev.phasegate.sdk.PhasegateConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Phasegate offline: one active rollout in phase 1 with the ramp at 25 % and the beta feature at 0 % (so
 * only enrolled users get it), handed to the SDK as a bootstrap file, as an app shipping its rules would.
 * The server URL is a closed loopback port and every background interval is an hour, so the client answers
 * from the bootstrap and does no work meanwhile, like the peers with polling and metrics off.
 */
final class PhasegateSide implements AutoCloseable {

    /** Nothing listens here: the one fetch the client makes at start is refused at once. */
    private static final URI NO_SERVER = URI.create("http://127.0.0.1:1");
    private static final Duration IDLE = Duration.ofHours(1);

    private final Path dir;
    private final RulesSnapshot snapshot;
    private final Evaluator evaluator;
    private final PhasegateClient client;

    private PhasegateSide(Path dir, RulesSnapshot snapshot, PhasegateClient client) {
        this.dir = dir;
        this.snapshot = snapshot;
        this.evaluator = Evaluator.of(snapshot);
        this.client = client;
    }

    static PhasegateSide start(Population population) throws IOException {
        RulesSnapshot snapshot = new RulesSnapshot(1, List.of(new RolloutRules("bench", RolloutState.ACTIVE, 1, false,
                List.of(new FeatureRule(Features.ENROLLED, 1, 0, false), new FeatureRule(Features.RAMP, 1, Features.RAMP_PERCENT, false)),
                population.enrolled(), Set.of())));
        Path dir = Files.createTempDirectory("phasegate-bench-");
        Path bootstrap = Files.write(dir.resolve("rules.bin"), RulesCodec.encode(snapshot));
        PhasegateClient client = PhasegateClient.start(PhasegateConfig.builder(NO_SERVER, "phg_bench")
                .streaming(false)
                .pollInterval(IDLE)
                .heartbeatInterval(IDLE)
                .backoff(IDLE, IDLE)
                .bootstrapFile(bootstrap)
                .build());
        if (!client.isReady() || client.version() != snapshot.version()) {
            client.close();
            throw new IllegalStateException("the Phasegate client did not load its bootstrap file " + bootstrap
                    + " (ready " + client.isReady() + ", version " + client.version() + ")");
        }
        return new PhasegateSide(dir, snapshot, client);
    }

    /** The SDK's hot path. */
    boolean isEnabled(String feature, String userId) {
        return client.isEnabled(feature, userId);
    }

    /** The core evaluator the SDK delegates to, without the SDK's volatile read. */
    Evaluator evaluator() {
        return evaluator;
    }

    RulesSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public void close() throws IOException {
        client.close();
        Files.deleteIfExists(dir.resolve("rules.bin"));
        Files.deleteIfExists(dir);
    }
}
