package dev.phasegate.server.action;

/**
 * Which actions to list, newest first. Filters are optional (null).
 *
 * @param before only actions with a smaller id (paging)
 */
public record ActionQuery(String rollout, String kind, Long before, int limit) {

    public ActionQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }
}
