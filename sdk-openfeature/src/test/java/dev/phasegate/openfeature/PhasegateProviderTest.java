package dev.phasegate.openfeature;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.phasegate.sdk.PhasegateConfig;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The OpenFeature API over the Phasegate SDK against a real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhasegateProviderTest {

    private static final String T = TestStore.ADMIN_TOKEN;
    private TestStore store;
    private TestServer server;
    private Client client;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        server.putJson("/api/v1/rollouts/of", T, Map.of("rollout", "of", "phases", List.of(
                Plans.phase("one", 1, "of-basic"), Map.of("name", "two", "capacity", 2, "features", List.of("of-ramp"), "percentage", 100))));
        server.postJson("/api/v1/rollouts/of/enrollments", T, Map.of("userId", "member"));
        server.postJson("/api/v1/rollouts/of/enrollments", T, Map.of("userId", "waiting"));
        OpenFeatureAPI.getInstance().setProviderAndWait("phasegate-test", new PhasegateProvider(
                PhasegateConfig.builder(URI.create(server.base()), server.token("sdk")).build(), Duration.ofSeconds(10)));
        client = OpenFeatureAPI.getInstance().getClient("phasegate-test");
    }

    @AfterAll
    void stop() {
        OpenFeatureAPI.getInstance().shutdown();
        server.close();
        store.close();
    }

    @Test
    void enrolled_users_get_their_phase_features_as_a_targeting_match() {
        FlagEvaluationDetails<Boolean> d = client.getBooleanDetails("of-basic", false, new ImmutableContext("member"));
        assertThat(d.getValue()).isTrue();
        assertThat(d.getReason()).isEqualTo("TARGETING_MATCH");
        assertThat(d.getVariant()).isEqualTo("on");
        assertThat(d.getFlagMetadata().getString("phasegateReason")).isEqualTo("enrolled-phase");
        FlagEvaluationDetails<Boolean> waiting = client.getBooleanDetails("of-basic", true, new ImmutableContext("waiting"));
        assertThat(waiting.getValue()).isFalse();
        assertThat(waiting.getReason()).isEqualTo("DEFAULT");
    }

    @Test
    void errors_return_the_default_with_the_openfeature_error_code() {
        FlagEvaluationDetails<Boolean> missing = client.getBooleanDetails("no-such", true, new ImmutableContext("member"));
        assertThat(missing.getValue()).isTrue();
        assertThat(missing.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
        FlagEvaluationDetails<Boolean> noKey = client.getBooleanDetails("of-basic", true, new ImmutableContext());
        assertThat(noKey.getErrorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
        assertThat(client.getStringDetails("of-basic", "x", new ImmutableContext("member")).getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    }

    @Test
    void a_kill_switch_flips_the_value_through_the_pushed_rules() {
        assertThat(client.getBooleanValue("of-basic", false, new ImmutableContext("member"))).isTrue();
        server.put("/api/v1/features/of-basic/kill-switch", T, "{\"on\":true,\"reason\":\"openfeature test\"}", "application/json");
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.getBooleanValue("of-basic", true, new ImmutableContext("member")));
        assertThat(client.getBooleanDetails("of-basic", true, new ImmutableContext("member")).getReason()).isEqualTo("DISABLED");
        server.put("/api/v1/features/of-basic/kill-switch", T, "{\"on\":false}", "application/json");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.getBooleanValue("of-basic", false, new ImmutableContext("member")));
    }
}
