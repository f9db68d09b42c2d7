/**
 * Several nodes on one PostgreSQL: which node leads (an advisory lock held on a connection of its own,
 * with a fencing epoch), every node's heartbeat, and the fan-out of rules changes to every node
 * (LISTEN/NOTIFY). The leader alone runs the guardian, the runbook executor, the notification worker and
 * maintenance; on the embedded store the one node always leads.
 */
package dev.phasegate.server.cluster;
