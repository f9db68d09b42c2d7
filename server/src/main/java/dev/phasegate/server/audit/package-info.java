/**
 * The append-only audit log: every change, by whom, before and after. Entries are written with the
 * same database handle as the change they describe, so a change and its record commit together.
 */
package dev.phasegate.server.audit;
