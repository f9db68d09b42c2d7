package dev.phasegate.server.rollout;

import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.core.rollout.RolloutState;
import dev.phasegate.server.http.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** SQL for rollout and feature rows. Every method takes the caller's handle and so its transaction. */
public final class RolloutRepository {

    private static final String COLUMNS = "rollout_key, plan_json, state, current_phase, enrolled_count, waitlist_count, "
            + "next_seq, features_withdrawn, phase_started_at, created_at, updated_at";

    /**
     * Plans by their stored JSON: a plan changes rarely but is read on every admission, and parsing and
     * validating it each time cost more than the rest of the admission. Cleared when it grows past a
     * bound, so a server applying many plans never holds more than that.
     */
    private static final Map<String, Plan> PLANS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_CACHED_PLANS = 1000;

    private static Plan plan(String json) {
        Plan cached = PLANS.get(json);
        if (cached != null) {
            return cached;
        }
        Plan parsed = PlanDocuments.toPlan(Json.readStored(json, PlanDocument.class), null);
        if (PLANS.size() >= MAX_CACHED_PLANS) {
            PLANS.clear();
        }
        PLANS.put(json, parsed);
        return parsed;
    }

    private static final RowMapper<StoredRollout> MAPPER = (rs, ctx) -> {
        Plan plan = plan(rs.getString("plan_json"));
        Rollout rollout = new Rollout(plan, RolloutState.valueOf(rs.getString("state")), rs.getInt("current_phase"),
                rs.getInt("enrolled_count"), rs.getInt("waitlist_count"), rs.getBoolean("features_withdrawn"));
        return new StoredRollout(rollout, rs.getLong("next_seq"), rs.getTimestamp("phase_started_at").toInstant(),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    };

    /** A feature row: which rollout owns it and its kill switch. */
    public record FeatureRow(String feature, String rollout, boolean killSwitch, String killReason, Instant updatedAt) {
    }

    /** Reads the rollout and locks its row until the transaction ends: the store-level guard of admission. */
    public Optional<StoredRollout> lock(Handle h, String key) {
        return h.createQuery("SELECT " + COLUMNS + " FROM rollout WHERE rollout_key = :key FOR UPDATE")
                .bind("key", key).map(MAPPER).findOne();
    }

    public Optional<StoredRollout> find(Handle h, String key) {
        return h.createQuery("SELECT " + COLUMNS + " FROM rollout WHERE rollout_key = :key")
                .bind("key", key).map(MAPPER).findOne();
    }

    public List<StoredRollout> list(Handle h) {
        return h.createQuery("SELECT " + COLUMNS + " FROM rollout ORDER BY rollout_key").map(MAPPER).list();
    }

    public void insert(Handle h, StoredRollout r, Instant now) {
        h.createUpdate("INSERT INTO rollout (" + COLUMNS + ") VALUES (:key, :plan, :state, :phase, :enrolled, :waitlisted, "
                        + ":nextSeq, :withdrawn, :phaseStartedAt, :now, :now)")
                .bind("key", r.rollout().key()).bind("plan", Json.write(PlanDocuments.toDocument(r.rollout().plan())))
                .bind("state", r.rollout().state().name()).bind("phase", r.rollout().currentPhase())
                .bind("enrolled", r.rollout().enrolled()).bind("waitlisted", r.rollout().waitlisted())
                .bind("nextSeq", r.nextSeq()).bind("withdrawn", r.rollout().featuresWithdrawn())
                .bind("phaseStartedAt", Timestamp.from(r.phaseStartedAt())).bind("now", Timestamp.from(now))
                .execute();
    }

    /** Stores the rollout's plan and where it stands. */
    public void update(Handle h, StoredRollout r, Instant now) {
        h.createUpdate("UPDATE rollout SET plan_json = :plan WHERE rollout_key = :key")
                .bind("key", r.rollout().key()).bind("plan", Json.write(PlanDocuments.toDocument(r.rollout().plan()))).execute();
        updateState(h, r, now);
    }

    /** Stores where the rollout stands (state, phase, counts), leaving its plan as it is: the admission path. */
    public void updateState(Handle h, StoredRollout r, Instant now) {
        h.createUpdate("UPDATE rollout SET state = :state, current_phase = :phase, enrolled_count = :enrolled, "
                        + "waitlist_count = :waitlisted, next_seq = :nextSeq, features_withdrawn = :withdrawn, "
                        + "phase_started_at = :phaseStartedAt, updated_at = :now WHERE rollout_key = :key")
                .bind("key", r.rollout().key())
                .bind("state", r.rollout().state().name()).bind("phase", r.rollout().currentPhase())
                .bind("enrolled", r.rollout().enrolled()).bind("waitlisted", r.rollout().waitlisted())
                .bind("nextSeq", r.nextSeq()).bind("withdrawn", r.rollout().featuresWithdrawn())
                .bind("phaseStartedAt", Timestamp.from(r.phaseStartedAt())).bind("now", Timestamp.from(now))
                .execute();
    }

    /** Feature key → owning rollout, for the given keys that exist. */
    public Map<String, String> owners(Handle h, Collection<String> features) {
        Map<String, String> owners = new HashMap<>();
        if (features.isEmpty()) {
            return owners;
        }
        h.createQuery("SELECT feature_key, rollout_key FROM feature WHERE feature_key IN (<keys>)")
                .bindList("keys", List.copyOf(features))
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> owners.put(e.getKey(), e.getValue()));
        return owners;
    }

    /** Makes the rollout's feature rows exactly {@code features}, keeping kill switches of those that stay. */
    public void syncFeatures(Handle h, String rollout, Collection<String> features, Instant now) {
        Set<String> existing = features(h, rollout).keySet();
        for (String gone : existing) {
            if (!features.contains(gone)) {
                h.createUpdate("DELETE FROM feature WHERE feature_key = :f").bind("f", gone).execute();
            }
        }
        for (String feature : features) {
            if (!existing.contains(feature)) {
                h.createUpdate("INSERT INTO feature (feature_key, rollout_key, kill_switch, updated_at) VALUES (:f, :r, FALSE, :now)")
                        .bind("f", feature).bind("r", rollout).bind("now", Timestamp.from(now)).execute();
            }
        }
    }

    /** The rollout's features with their kill switches, by key. */
    public Map<String, FeatureRow> features(Handle h, String rollout) {
        Map<String, FeatureRow> rows = new LinkedHashMap<>();
        h.createQuery("SELECT feature_key, rollout_key, kill_switch, kill_reason, updated_at FROM feature WHERE rollout_key = :r ORDER BY feature_key")
                .bind("r", rollout).map(RolloutRepository::featureRow).forEach(f -> rows.put(f.feature(), f));
        return rows;
    }

    public Optional<FeatureRow> feature(Handle h, String feature) {
        return h.createQuery("SELECT feature_key, rollout_key, kill_switch, kill_reason, updated_at FROM feature WHERE feature_key = :f FOR UPDATE")
                .bind("f", feature).map(RolloutRepository::featureRow).findOne();
    }

    public void setKillSwitch(Handle h, String feature, boolean on, String reason, Instant now) {
        h.createUpdate("UPDATE feature SET kill_switch = :on, kill_reason = :reason, updated_at = :now WHERE feature_key = :f")
                .bind("on", on).bind("reason", reason).bind("now", Timestamp.from(now)).bind("f", feature).execute();
    }

    private static FeatureRow featureRow(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        return new FeatureRow(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4), rs.getTimestamp(5).toInstant());
    }
}
