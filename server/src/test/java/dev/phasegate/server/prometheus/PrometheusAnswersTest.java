package dev.phasegate.server.prometheus;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading Prometheus's answers, for shapes a live server does not produce on demand. */
class PrometheusAnswersTest {

    @Test
    void a_single_series_vector_is_its_value_at_the_sample_time() {
        PromResult r = PrometheusQuery.interpret(200, """
                {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1767225600.125,"0.5"]}]}}""");
        assertThat(r).isEqualTo(new PromResult.Value(0.5, Instant.parse("2026-01-01T00:00:00.125Z")));
    }

    @Test
    void an_error_answer_keeps_prometheus_message_and_type() {
        PromResult r = PrometheusQuery.interpret(422, """
                {"status":"error","errorType":"execution","error":"query processing would load too many samples"}""");
        assertThat(r).isEqualTo(new PromResult.Failure(
                "Prometheus refused the query (HTTP 422, execution): query processing would load too many samples"));
    }

    @Test
    void a_body_that_is_not_prometheus_json_is_a_failure_quoting_it() {
        assertThat(PrometheusQuery.interpret(502, "<html>Bad Gateway</html>"))
                .isEqualTo(new PromResult.Failure("Prometheus answered HTTP 502 without its JSON body: <html>Bad Gateway</html>"));
        assertThat(PrometheusQuery.interpret(200, "")).isInstanceOf(PromResult.Failure.class);
    }

    @Test
    void string_results_and_odd_values_are_failures() {
        assertThat(PrometheusQuery.interpret(200, """
                {"status":"success","data":{"resultType":"string","result":[1,"x"]}}"""))
                .isInstanceOfSatisfying(PromResult.Failure.class, f -> assertThat(f.reason()).contains("string"));
        assertThat(PrometheusQuery.interpret(200, """
                {"status":"success","data":{"resultType":"scalar","result":[1,"many"]}}"""))
                .isInstanceOfSatisfying(PromResult.Failure.class, f -> assertThat(f.reason()).contains("not a number"));
    }

    @Test
    void an_empty_query_is_a_failure_without_a_request() {
        assertThat(new PrometheusQuery(java.net.URI.create("http://127.0.0.1:1")).query(" ", Instant.EPOCH))
                .isEqualTo(new PromResult.Failure("the PromQL query is empty"));
    }
}
