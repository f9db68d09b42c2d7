package dev.phasegate.server.incident;

import dev.phasegate.server.testing.TestStore;

class H2IncidentBookTest extends IncidentBookContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
