package dev.phasegate.server.alert;

import dev.phasegate.server.testing.TestStore;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@org.junit.jupiter.api.extension.ExtendWith(dev.phasegate.server.testing.PostgresCondition.class)
class PostgresAlertBookTest extends AlertBookContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRES;
    }

    /**
     * A pending alert that clears (its row deleted) while a silence is being created that matches it: the
     * silence is created and notes only the alerts that still exist, where it used to fail with a foreign
     * key violation (a 500). The clearing transaction is held open until the silence waits on it.
     */
    @Test
    void a_silence_created_while_a_matching_pending_alert_clears_is_created() throws Exception {
        long id = observe(rule(Severity.CRITICAL, FOR, KEEP), Condition.BREACHING).get(0).alert().id();
        try (Handle clearing = Jdbi.create(store.settings().jdbcUrl()).open()) {
            clearing.begin();
            assertThat(clearing.createUpdate("DELETE FROM alert WHERE id = :id AND state = 'PENDING'").bind("id", id).execute())
                    .isEqualTo(1);

            CompletableFuture<Silence> created = CompletableFuture.supplyAsync(() -> book.silence(new SilenceRequest(
                    List.of(new SilenceMatcher("rollout", rollout, null)), null, START.plus(Duration.ofHours(1)), "maintenance"), ALICE));
            // The silence's transaction has read the alert as open and now waits for the clearing one's row lock.
            await().atMost(Duration.ofSeconds(20)).until(() -> clearing.createQuery(
                    "SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted "
                            + "AND a.datname = current_database()").mapTo(Long.class).one() > 0);
            clearing.commit();

            Silence silence = created.get();
            assertThat(silence.state()).isEqualTo("active");
        }
        assertThat(book.get(id)).as("the cleared alert is gone, with its history").isEmpty();
    }
}
