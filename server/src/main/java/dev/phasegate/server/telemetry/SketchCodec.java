package dev.phasegate.server.telemetry;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Sketches to bytes and back. sketches-java 0.8.3 has two formats: {@code serialize()} writes the protobuf
 * wire format without protobuf-java, but reading it back ({@code DDSketchProtoBinding}) needs protobuf-java
 * at run time; {@code encode}/{@code decode} is the library's own compact format and needs nothing else,
 * so that is the one stored. Distinct users are {@link DistinctUsers#toBytes()}. An empty array stands for "no sketch".
 */
final class SketchCodec {

    private static final byte[] NONE = new byte[0];

    private SketchCodec() {
    }

    static byte[] encode(DDSketch sketch) {
        if (sketch == null || sketch.isEmpty()) {
            return NONE;
        }
        try {
            GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
            sketch.encode(out, false);
            return out.trimmedCopy();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a DDSketch", e);
        }
    }

    static DDSketch decodeSketch(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try {
            DDSketch decoded = DDSketch.decode(ByteArrayInput.wrap(bytes), () -> new CollapsingLowestDenseStore(Partial.MAX_BINS));
            // Merge into a sketch made here, so that it has exactly our index mapping and store bounds.
            DDSketch sketch = Partial.newSketch();
            sketch.mergeWith(decoded);
            return sketch;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode a stored DDSketch", e);
        }
    }

    static byte[] encode(DistinctUsers users) {
        return users == null || users.isEmpty() ? NONE : users.toBytes();
    }

    static DistinctUsers decodeUsers(byte[] bytes) {
        return bytes == null || bytes.length == 0 ? null : DistinctUsers.fromBytes(bytes);
    }
}
