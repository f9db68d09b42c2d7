package dev.phasegate.server.user;

import dev.phasegate.server.testing.TestStore;

@org.junit.jupiter.api.extension.ExtendWith(dev.phasegate.server.testing.PostgresCondition.class)
class PostgresSessionsTest extends SessionsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRES;
    }
}
