package dev.phasegate.server.incident;

import dev.phasegate.server.testing.TestStore;

class H2IncidentReportTest extends IncidentReportContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
