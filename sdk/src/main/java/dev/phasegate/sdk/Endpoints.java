package dev.phasegate.sdk;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The servers the SDK may talk to, in order, and which one it uses now. When the one in use cannot be
 * reached (a network error, a 5xx), the next one is used from then on; any node of a cluster serves the
 * same rules, and evaluation meanwhile goes on from the last snapshot.
 */
final class Endpoints {

    private final List<URI> urls;
    private final AtomicInteger current = new AtomicInteger();

    Endpoints(List<URI> urls) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("at least one server URL is needed");
        }
        this.urls = List.copyOf(urls);
    }

    URI current() {
        return urls.get(current.get());
    }

    /** The server at {@code url} failed: move to the next one, unless another failure moved on already. */
    void failed(URI url) {
        int index = urls.indexOf(url);
        if (index >= 0 && urls.size() > 1) {
            current.compareAndSet(index, (index + 1) % urls.size());
        }
    }
}
