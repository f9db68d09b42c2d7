/**
 * The web UI served at {@code /}: pages (plain HTML and small JavaScript modules, no build step), their
 * assets and uPlot from its WebJar (nothing from the network), the security headers pages get, the
 * dashboard event stream that tells open pages what changed so they re-read their JSON, and the
 * self-contained HTML snapshot of a rollout that {@code phasegate report} writes.
 */
package dev.phasegate.server.ui;
