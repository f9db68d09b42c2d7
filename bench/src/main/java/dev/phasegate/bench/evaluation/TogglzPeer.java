package dev.phasegate.bench.evaluation;

import org.togglz.core.Feature;
import org.togglz.core.activation.GradualActivationStrategy;
import org.togglz.core.activation.UsernameActivationStrategy;
import org.togglz.core.manager.FeatureManager;
import org.togglz.core.manager.FeatureManagerBuilder;
import org.togglz.core.repository.FeatureState;
import org.togglz.core.repository.mem.InMemoryStateRepository;
import org.togglz.core.user.FeatureUser;
import org.togglz.core.user.SimpleFeatureUser;
import org.togglz.core.user.thread.ThreadLocalUserProvider;

/**
 * Togglz ({@code org.togglz:togglz-core}) as it is meant to be used in-process: a {@code FeatureManager}
 * over an in-memory state repository, the ramp on {@code GradualActivationStrategy} at 25 %, the beta
 * feature on {@code UsernameActivationStrategy} with the enrolled ids as its user list, and the user bound to
 * the thread for each check ({@code ThreadLocalUserProvider}), as a web filter would bind it per request.
 * Togglz names features by enum constant, so its keys are RAMP_25 and BETA_FEATURE.
 */
final class TogglzPeer {

    enum Flag implements Feature {
        RAMP_25, BETA_FEATURE;

        static Flag of(String key) {
            return switch (key) {
                case Features.RAMP -> RAMP_25;
                case Features.ENROLLED -> BETA_FEATURE;
                default -> throw new IllegalArgumentException("no Togglz feature for " + key);
            };
        }
    }

    private final FeatureManager manager;

    private TogglzPeer(FeatureManager manager) {
        this.manager = manager;
    }

    static TogglzPeer start(Population population) {
        InMemoryStateRepository states = new InMemoryStateRepository();
        states.setFeatureState(new FeatureState(Flag.RAMP_25, true)
                .setStrategyId(GradualActivationStrategy.ID)
                .setParameter(GradualActivationStrategy.PARAM_PERCENTAGE, String.valueOf(Features.RAMP_PERCENT)));
        states.setFeatureState(new FeatureState(Flag.BETA_FEATURE, true)
                .setStrategyId(UsernameActivationStrategy.ID)
                .setParameter(UsernameActivationStrategy.PARAM_USERS, String.join(",", population.enrolled())));
        FeatureManager manager = new FeatureManagerBuilder()
                .featureEnum(Flag.class)
                .stateRepository(states)
                .userProvider(new ThreadLocalUserProvider())
                .build();
        return new TogglzPeer(manager);
    }

    /** Togglz's hot path as an app runs it: bind the user, ask, release. */
    boolean isEnabled(Flag flag, String userId) {
        return isEnabled(flag, new SimpleFeatureUser(userId));
    }

    /** With a user object the app already holds. */
    boolean isEnabled(Flag flag, FeatureUser user) {
        ThreadLocalUserProvider.bind(user);
        try {
            return manager.isActive(flag);
        } finally {
            ThreadLocalUserProvider.release();
        }
    }
}
