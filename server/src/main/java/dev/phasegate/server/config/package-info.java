/**
 * Configuration: one immutable {@link dev.phasegate.server.config.Settings}, built from flags, then
 * environment, then an optional YAML file, and validated before anything starts.
 */
package dev.phasegate.server.config;
