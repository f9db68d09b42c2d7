/**
 * HTTP: the Javalin server, authentication of every {@code /api/v1} call, request body limits, and the
 * one place where exceptions become RFC 9457 {@code application/problem+json} answers.
 */
package dev.phasegate.server.http;
