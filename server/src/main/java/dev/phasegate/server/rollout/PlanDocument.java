package dev.phasegate.server.rollout;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * A plan as written in YAML or JSON. Field names here are the plan format; see docs/plan-format.md and
 * examples/trading-engine.yaml. {@link PlanDocuments} turns it into a core {@code Plan}, naming every
 * field at fault.
 */
public record PlanDocument(String rollout, String name, String description, String start,
                           List<PhaseDoc> phases, List<GuardDoc> guards, RunbookDoc runbook,
                           List<ContactDoc> contacts, NotificationsDoc notifications) {

    public record PhaseDoc(String name, Integer capacity, List<String> features, Integer percentage,
                           AdvanceDoc advance) {
    }

    public record AdvanceDoc(String minDuration, Integer minActiveUsers, Double maxErrorRate,
                             Double minSatisfaction, Boolean auto) {
    }

    public record GuardDoc(String name, String kind, String metric, String scope, Integer phase, Double warning,
                           Double critical, @JsonProperty("for") String forDuration, String keepFiringFor,
                           Integer minSamples, String onCritical, String window, String horizon, String metricName,
                           String query, WarningHookDoc onWarning) {
    }

    /** {@code onWarning: {webhook: https://..., cooldown: 10m}}. */
    public record WarningHookDoc(String webhook, String cooldown) {
    }

    public record RunbookDoc(List<String> steps, String disable, String verifyFor, String verifyTimeout) {
    }

    public record ContactDoc(String name, String email, String webhook, String role, String webhookFormat) {
    }

    /** {@code notifications.templates}: notice name → template; see docs/notifications.md. */
    public record NotificationsDoc(java.util.Map<String, TemplateDoc> templates) {
    }

    public record TemplateDoc(String subject, String body) {
    }
}
