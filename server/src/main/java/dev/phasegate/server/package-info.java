/**
 * The Phasegate server: {@link dev.phasegate.server.Phasegate} wires the adapters (HTTP, store, tokens,
 * audit) around the core domain and runs them. Each sub-package is one feature of the product.
 */
package dev.phasegate.server;
