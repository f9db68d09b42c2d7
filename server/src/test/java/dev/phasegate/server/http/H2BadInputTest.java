package dev.phasegate.server.http;

import dev.phasegate.server.testing.TestStore;

class H2BadInputTest extends BadInputContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
