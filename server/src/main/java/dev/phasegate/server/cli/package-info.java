/**
 * The {@code phasegate} command line: {@code serve} runs a node; every other command is a client of the
 * HTTP API ({@code --server}, {@code --token}), printing tables for people or {@code --json} for scripts,
 * with exit codes scripts can rely on ({@link dev.phasegate.server.cli.ExitCodes}).
 */
package dev.phasegate.server.cli;
