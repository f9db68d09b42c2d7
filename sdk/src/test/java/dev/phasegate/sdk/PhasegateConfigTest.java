package dev.phasegate.sdk;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhasegateConfigTest {

    @Test
    void defaults_are_streaming_with_a_30_second_poll() {
        PhasegateConfig c = PhasegateConfig.builder(URI.create("http://localhost:8080/"), "phg_x").build();
        assertThat(c.streaming()).isTrue();
        assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.baseUrl()).hasToString("http://localhost:8080");
        assertThat(c.toString()).doesNotContain("phg_x");
    }

    @Test
    void bad_values_are_refused_at_once_with_their_name() {
        assertThatThrownBy(() -> PhasegateConfig.builder(URI.create("ftp://x"), "t")).hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> PhasegateConfig.builder(URI.create("http://x"), " ")).hasMessageContaining("sdkToken");
        var b = PhasegateConfig.builder(URI.create("http://x"), "t");
        assertThatThrownBy(() -> b.pollInterval(Duration.ofMillis(10))).hasMessageContaining("pollInterval");
        assertThatThrownBy(() -> b.instanceId("has space")).hasMessageContaining("instanceId");
        assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(5), Duration.ofSeconds(1))).hasMessageContaining("backoff max");
        assertThatThrownBy(() -> b.ingestToken(" ")).hasMessageContaining("ingestToken").hasMessageContaining("--kind ingest");
        assertThatThrownBy(() -> b.telemetryFlushInterval(Duration.ofMillis(10))).hasMessageContaining("telemetryFlushInterval")
                .hasMessageContaining("PT0.01S");
        assertThatThrownBy(() -> b.telemetryBufferSize(0)).hasMessageContaining("telemetryBufferSize").hasMessageContaining("was 0");
        assertThatThrownBy(() -> b.telemetryBufferSize(2_000_000)).hasMessageContaining("telemetryBufferSize").hasMessageContaining("2000000");
    }

    @Test
    void telemetry_is_off_by_default_and_on_with_an_ingest_token() {
        PhasegateConfig off = PhasegateConfig.builder(URI.create("http://x"), "t").build();
        assertThat(off.telemetryEnabled()).isFalse();
        assertThat(off.telemetryFlushInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(off.telemetryBufferSize()).isEqualTo(10_000);
        PhasegateConfig on = PhasegateConfig.builder(URI.create("http://x"), "t").ingestToken("phg_secret_ingest").build();
        assertThat(on.telemetryEnabled()).isTrue();
        assertThat(on.toString()).doesNotContain("phg_secret_ingest");
    }
}
