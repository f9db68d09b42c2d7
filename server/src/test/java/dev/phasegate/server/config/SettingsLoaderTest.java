package dev.phasegate.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsLoaderTest {

    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path f = dir.resolve("phasegate.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void defaults_give_port_8080_and_the_embedded_store_under_data() {
        Settings s = new SettingsLoader(Map.of(), Map.of(), null).load();
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.dataDir()).isEqualTo(Path.of("data"));
        assertThat(s.embedded()).isTrue();
        assertThat(s.jdbcUrl()).startsWith("jdbc:h2:file:").contains("MODE=PostgreSQL");
    }

    @Test
    void flags_win_over_environment_which_wins_over_the_file() throws IOException {
        Path f = file("port: 7000\ndataDir: /from-file\ndbPoolSize: 3\n");
        Settings fileOnly = new SettingsLoader(Map.of(), Map.of(), f).load();
        assertThat(fileOnly.port()).isEqualTo(7000);
        assertThat(fileOnly.dbPoolSize()).isEqualTo(3);

        Settings envOverFile = new SettingsLoader(Map.of(), Map.of("PHASEGATE_PORT", "7100"), f).load();
        assertThat(envOverFile.port()).isEqualTo(7100);
        assertThat(envOverFile.dataDir()).isEqualTo(Path.of("/from-file"));

        Settings flagOverAll = new SettingsLoader(Map.of("port", "7200"), Map.of("PHASEGATE_PORT", "7100"), f).load();
        assertThat(flagOverAll.port()).isEqualTo(7200);
    }

    @Test
    void request_limits_default_and_are_read_from_the_environment_and_the_file() throws IOException {
        assertThat(new SettingsLoader(Map.of(), Map.of(), null).load().limits()).isEqualTo(Limits.DEFAULTS);

        Path f = file("ingestPerSecond: 50\nsignInFailuresPerAddress: 100\n");
        Limits limits = new SettingsLoader(Map.of(), Map.of("PHASEGATE_INGEST_BURST", "60", "PHASEGATE_SIGN_IN_FAILURES_PER_NAME", "3",
                "PHASEGATE_EVALUATION_PER_SECOND", "10", "PHASEGATE_EVALUATION_BURST", "20"), f).load().limits();
        assertThat(limits.ingest()).isEqualTo(new dev.phasegate.server.limit.RateLimit(50, 60));
        assertThat(limits.evaluation()).isEqualTo(new dev.phasegate.server.limit.RateLimit(10, 20));
        assertThat(limits.signInPerName()).isEqualTo(new dev.phasegate.server.limit.RateLimit(3, java.time.Duration.ofMinutes(1), 3));
        assertThat(limits.signInPerAddress().requests()).isEqualTo(100);

        assertThatThrownBy(() -> new SettingsLoader(Map.of(), Map.of("PHASEGATE_INGEST_PER_SECOND", "0"), null).load())
                .hasMessageContaining("PHASEGATE_INGEST_PER_SECOND").hasMessageContaining("was 0");
    }

    @Test
    void trusted_proxies_are_read_as_a_list_of_networks_and_a_bad_one_is_named() {
        Limits limits = new SettingsLoader(Map.of(), Map.of("PHASEGATE_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7"), null).load().limits();
        assertThat(limits.trustedProxies()).isEqualTo(dev.phasegate.server.limit.TrustedProxies.parse("10.0.0.0/8,192.168.1.7"));
        assertThat(limits.trustedProxies().clientAddress("10.2.2.2", "203.0.113.9")).isEqualTo("203.0.113.9");

        assertThatThrownBy(() -> new SettingsLoader(Map.of(), Map.of("PHASEGATE_TRUSTED_PROXIES", "10.0.0.0/8, lb"), null).load())
                .hasMessageContaining("PHASEGATE_TRUSTED_PROXIES").hasMessageContaining("'lb'");
    }

    @Test
    void the_config_file_can_come_from_the_environment() throws IOException {
        Path f = file("port: 7300\n");
        assertThat(new SettingsLoader(Map.of(), Map.of("PHASEGATE_CONFIG", f.toString()), null).load().port()).isEqualTo(7300);
    }

    @Test
    void monitoring_and_notification_settings_are_read_and_checked() throws IOException {
        Path f = file("""
                guardInterval: 500ms
                retention: 7d
                prometheusUrl: http://127.0.0.1:9090
                smtpHost: mail.internal
                smtpPort: 2525
                smtpPassword: s3cret-pass
                webhookSecret: abcdefghijklmnopqrstuvwxyz
                insufficientDataGrace: 2m
                """);
        Settings s = new SettingsLoader(Map.of(), Map.of("PHASEGATE_METRICS_PUBLIC", "true"), f).load();
        assertThat(s.monitoring().guardInterval()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(s.monitoring().retention()).isEqualTo(java.time.Duration.ofDays(7));
        assertThat(s.monitoring().prometheusUrl()).hasToString("http://127.0.0.1:9090");
        assertThat(s.monitoring().metricsPublic()).isTrue();
        assertThat(s.notifications().smtpHost()).isEqualTo("mail.internal");
        assertThat(s.notifications().smtpPort()).isEqualTo(2525);
        assertThat(s.notifications().insufficientDataGrace()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(s.toString()).doesNotContain("s3cret-pass").doesNotContain("abcdefghijklmnopqrstuvwxyz");

        assertThatThrownBy(() -> new SettingsLoader(Map.of(), Map.of("PHASEGATE_GUARD_INTERVAL", "soon",
                "PHASEGATE_PROMETHEUS_URL", "ftp://x", "PHASEGATE_METRICS_PUBLIC", "yes", "PHASEGATE_SMTP_FROM", "nobody",
                "PHASEGATE_WEBHOOK_SECRET", "short", "PHASEGATE_MAX_EVENT_AGE", "60d"), null).load())
                .hasMessageContaining("PHASEGATE_GUARD_INTERVAL must be a duration")
                .hasMessageContaining("PHASEGATE_PROMETHEUS_URL must be an http(s) URL")
                .hasMessageContaining("PHASEGATE_METRICS_PUBLIC must be true or false")
                .hasMessageContaining("PHASEGATE_SMTP_FROM must be an email address")
                .hasMessageContaining("PHASEGATE_WEBHOOK_SECRET is too short")
                .hasMessageContaining("must not exceed retention");
    }

    @Test
    void a_bad_port_names_the_setting_and_where_it_came_from() {
        assertThatThrownBy(() -> new SettingsLoader(Map.of("port", "eighty"), Map.of(), null).load())
                .isInstanceOf(SettingsLoader.InvalidSettingsException.class).hasMessageContaining("--port").hasMessageContaining("eighty");
        assertThatThrownBy(() -> new SettingsLoader(Map.of(), Map.of("PHASEGATE_PORT", "70000"), null).load())
                .hasMessageContaining("PHASEGATE_PORT").hasMessageContaining("between 0 and 65535");
    }

    @Test
    void a_non_jdbc_database_url_is_refused_without_echoing_its_password() {
        assertThatThrownBy(() -> new SettingsLoader(Map.of(), Map.of("PHASEGATE_DB_URL", "mysql://h/db?password=hunter2"), null).load())
                .hasMessageContaining("PHASEGATE_DB_URL").hasMessageContaining("jdbc:postgresql:").hasMessageNotContaining("hunter2");
    }

    @Test
    void a_short_admin_token_is_refused() {
        assertThatThrownBy(() -> new SettingsLoader(Map.of(), Map.of("PHASEGATE_ADMIN_TOKEN", "short"), null).load())
                .hasMessageContaining("PHASEGATE_ADMIN_TOKEN").hasMessageContaining("128 bits").hasMessageNotContaining("short'");
    }

    @Test
    void unknown_settings_in_the_file_are_named() throws IOException {
        Path f = file("prot: 8080\n");
        assertThatThrownBy(() -> new SettingsLoader(Map.of(), Map.of(), f).load()).hasMessageContaining("unknown setting 'prot'");
    }

    @Test
    void a_missing_explicit_config_file_is_an_error() {
        assertThatThrownBy(() -> new SettingsLoader(Map.of(), Map.of(), dir.resolve("nope.yaml")).load()).hasMessageContaining("does not exist");
    }

    @Test
    void every_problem_is_reported_at_once() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(SettingsLoader.InvalidSettingsException.class,
                () -> new SettingsLoader(Map.of("port", "x"), Map.of("PHASEGATE_DB_POOL_SIZE", "0"), null).load());
        assertThat(e.errors()).hasSize(2);
    }
}
