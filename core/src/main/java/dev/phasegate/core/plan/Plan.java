package dev.phasegate.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rollout plan as a release manager writes it.
 *
 * <pre>{@code
 * Plan plan = new Plan("trading-engine-v2", "Trading engine v2", "", StartMode.ACTIVE,
 *     List.of(new Phase("pilot", 5, List.of("basic-trading"), 0, AdvanceCriteria.NONE)),
 *     Guard.referenceDefaults(), Runbook.REFERENCE, List.of());
 * }</pre>
 *
 * @param key         the rollout key, unique on a server
 * @param name        a human name
 * @param description free text
 * @param start       whether applying creates the rollout active or as a draft
 * @param phases      the phases in order; capacities are cumulative
 * @param guards      health guards (evaluated by the guardian)
 * @param runbook     the rollback runbook
 * @param contacts    people and hooks told about alerts and rollbacks
 * @param notifications what beta users are told (templates); {@link NoticeTemplates#NONE} for the defaults
 */
public record Plan(String key, String name, String description, StartMode start, List<Phase> phases,
                   List<Guard> guards, Runbook runbook, List<Contact> contacts, NoticeTemplates notifications) {

    /** A plan whose notices use the default templates. */
    public Plan(String key, String name, String description, StartMode start, List<Phase> phases,
                List<Guard> guards, Runbook runbook, List<Contact> contacts) {
        this(key, name, description, start, phases, guards, runbook, contacts, NoticeTemplates.NONE);
    }

    public Plan {
        phases = List.copyOf(phases);
        guards = List.copyOf(guards);
        contacts = List.copyOf(contacts);
        name = name == null ? key : name;
        description = description == null ? "" : description;
        start = start == null ? StartMode.ACTIVE : start;
        runbook = runbook == null ? Runbook.REFERENCE : runbook;
        notifications = notifications == null ? NoticeTemplates.NONE : notifications;
    }

    /** The phase with the given 1-based number. */
    public Phase phase(int number) {
        return phases.get(number - 1);
    }

    public int phaseCount() {
        return phases.size();
    }

    /** Every feature key of the plan, in the order the phases unlock them. */
    public List<String> featureKeys() {
        List<String> keys = new ArrayList<>();
        for (Phase phase : phases) {
            keys.addAll(phase.features());
        }
        return keys;
    }

    /** Feature key → the 1-based number of the phase that unlocks it. */
    public Map<String, Integer> unlockingPhases() {
        Map<String, Integer> result = new LinkedHashMap<>();
        for (int i = 0; i < phases.size(); i++) {
            for (String feature : phases.get(i).features()) {
                result.putIfAbsent(feature, i + 1);
            }
        }
        return result;
    }

    /** The number of the phase that unlocks {@code feature}, if the plan has it. */
    public Optional<Integer> unlockingPhase(String feature) {
        return Optional.ofNullable(unlockingPhases().get(feature));
    }

    /**
     * The share of all users (0–100) who get {@code feature} while the rollout is in phase
     * {@code current}: the highest percentage declared by any phase up to the current one that has
     * the feature unlocked by then. Taking the maximum makes a ramp monotone: advancing never lowers
     * it, so a user who had a feature by percentage keeps it.
     */
    public int percentageFor(String feature, int current) {
        Integer unlockedAt = unlockingPhases().get(feature);
        if (unlockedAt == null) {
            return 0;
        }
        int percentage = 0;
        for (int number = unlockedAt; number <= Math.min(current, phases.size()); number++) {
            percentage = Math.max(percentage, phase(number).percentage());
        }
        return percentage;
    }
}
