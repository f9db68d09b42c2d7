/**
 * The store: one JDBC database (the embedded H2 file by default, PostgreSQL in production), its
 * migrations, and transactions that retry what a concurrent writer can make fail transiently. Feature
 * packages hold their own SQL and call {@link dev.phasegate.server.store.Database#inTransaction}.
 */
package dev.phasegate.server.store;
