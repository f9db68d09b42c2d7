/**
 * Load benchmarks. They print figures next to their targets and never assert on time: speed is measured
 * here, behaviour is tested in the modules' tests (see STYLE.md, "Benchmarks are not tests").
 * {@link dev.phasegate.bench.EnrollmentLoad} drives admissions through the HTTP API of a node started in
 * the same JVM, on embedded H2 and on PostgreSQL.
 */
package dev.phasegate.bench;
