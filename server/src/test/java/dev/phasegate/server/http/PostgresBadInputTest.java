package dev.phasegate.server.http;

import dev.phasegate.server.testing.TestStore;

@org.junit.jupiter.api.extension.ExtendWith(dev.phasegate.server.testing.PostgresCondition.class)
class PostgresBadInputTest extends BadInputContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRES;
    }
}
