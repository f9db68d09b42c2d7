package dev.phasegate.server.notify;

import dev.phasegate.server.testing.TestStore;

@org.junit.jupiter.api.extension.ExtendWith(dev.phasegate.server.testing.PostgresCondition.class)
class PostgresOutboxTest extends OutboxContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRES;
    }
}
