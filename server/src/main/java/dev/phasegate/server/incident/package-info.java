/**
 * Incidents: the record a person can trust of a rollout that hurt users. Opened automatically by critical
 * alerts and rollbacks (one open incident per rollout absorbs later signals) or by a person; moving
 * {@code open → acknowledged → resolved}, with a severity (SEV1–SEV4), an assignee, a timeline of
 * everything that happened (alerts, decisions, runbook steps, notifications, human actions, comments) and a
 * report (summary, impact, durations, timeline, decision records) as JSON or Markdown.
 * {@link dev.phasegate.server.incident.IncidentBook} is the single owner of incident state.
 */
package dev.phasegate.server.incident;
