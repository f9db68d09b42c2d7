/**
 * The API described: the OpenAPI 3.1 document ({@code resources/openapi/openapi.yaml}, written by hand and
 * served as JSON at {@code /openapi.json}) and Swagger UI at {@code /api/docs}, every asset served from this
 * server (the Swagger UI WebJar), none from a CDN. A test checks the document against the routes the
 * running server registered.
 */
package dev.phasegate.server.openapi;
