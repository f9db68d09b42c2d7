package dev.phasegate.core.gate;

import dev.phasegate.core.rollout.RolloutState;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The compact binary form of a {@link RulesSnapshot} ({@code application/vnd.phasegate.rules}), so an
 * SDK needs no JSON library and 100,000 enrolled users cost little on the wire. Layout (docs/sdk.md):
 *
 * <pre>
 * "PGR" 0x01 | varlong version | varint rollouts | per rollout:
 *   string key | byte state | varint phase | byte flags(1 = features withdrawn)
 *   varint features | per feature: string key | varint unlockedAt | byte percentage | byte killSwitch
 *   users enrolled | users waitlisted
 * users  = varint count | per id, sorted by UTF-8 bytes: varint shared prefix | varint suffix length | suffix bytes
 * string = varint length | UTF-8 bytes
 * </pre>
 *
 * Front coding the sorted ids makes typical ids ("user-000123") cost 2–4 bytes each.
 */
public final class RulesCodec {

    public static final String MEDIA_TYPE = "application/vnd.phasegate.rules";
    private static final byte[] MAGIC = {'P', 'G', 'R', 1};
    /** Wire codes of states; fixed here so reordering the enum never changes the format. */
    private static final RolloutState[] STATES = {RolloutState.DRAFT, RolloutState.ACTIVE, RolloutState.PAUSED,
            RolloutState.ROLLING_BACK, RolloutState.ROLLED_BACK, RolloutState.COMPLETED};

    private RulesCodec() {
    }

    public static byte[] encode(RulesSnapshot snapshot) {
        Out out = new Out();
        out.bytes(MAGIC);
        out.varlong(snapshot.version());
        out.varint(snapshot.rollouts().size());
        for (RolloutRules r : snapshot.rollouts()) {
            out.string(r.key());
            out.raw(Arrays.asList(STATES).indexOf(r.state()));
            out.varint(r.currentPhase());
            out.raw(r.featuresWithdrawn() ? 1 : 0);
            out.varint(r.features().size());
            for (FeatureRule f : r.features()) {
                out.string(f.key());
                out.varint(f.unlockedAt());
                out.raw(f.percentage());
                out.raw(f.killSwitch() ? 1 : 0);
            }
            users(out, r.enrolled());
            users(out, r.waitlisted());
        }
        return out.toByteArray();
    }

    private static void users(Out out, Set<String> ids) {
        byte[][] sorted = new byte[ids.size()][];
        int i = 0;
        for (String id : ids) {
            sorted[i++] = id.getBytes(StandardCharsets.UTF_8);
        }
        Arrays.sort(sorted, Arrays::compareUnsigned);
        out.varint(sorted.length);
        byte[] previous = new byte[0];
        for (byte[] id : sorted) {
            int shared = 0;
            int max = Math.min(previous.length, id.length);
            while (shared < max && previous[shared] == id[shared]) {
                shared++;
            }
            out.varint(shared);
            out.varint(id.length - shared);
            out.bytes(Arrays.copyOfRange(id, shared, id.length));
            previous = id;
        }
    }

    /**
     * Reads a snapshot.
     *
     * @throws IllegalArgumentException if {@code data} is not a well-formed snapshot (never anything else)
     */
    public static RulesSnapshot decode(byte[] data) {
        try {
            In in = new In(data);
            for (byte b : MAGIC) {
                if (in.raw() != (b & 0xff)) {
                    throw new IllegalArgumentException("not a Phasegate rules snapshot (bad magic or format version)");
                }
            }
            long version = in.varlong();
            int rollouts = in.count();
            List<RolloutRules> result = new ArrayList<>(rollouts);
            for (int r = 0; r < rollouts; r++) {
                String key = in.string();
                int state = in.raw();
                if (state >= STATES.length) {
                    throw new IllegalArgumentException("unknown rollout state code " + state);
                }
                int phase = in.varint();
                boolean withdrawn = in.raw() == 1;
                int features = in.count();
                List<FeatureRule> rules = new ArrayList<>(features);
                for (int f = 0; f < features; f++) {
                    String feature = in.string();
                    int unlockedAt = in.varint();
                    int percentage = in.raw();
                    if (percentage > 100) {
                        throw new IllegalArgumentException("percentage " + percentage + " above 100");
                    }
                    rules.add(new FeatureRule(feature, unlockedAt, percentage, in.raw() == 1));
                }
                rules.forEach(f -> {
                    if (f.key() == null) {
                        throw new IllegalArgumentException("feature without key");
                    }
                });
                result.add(new RolloutRules(key, STATES[state], phase, withdrawn, rules, users(in), users(in)));
            }
            if (!in.atEnd()) {
                throw new IllegalArgumentException("trailing bytes after the snapshot");
            }
            return new RulesSnapshot(version, result);
        } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("truncated or malformed rules snapshot", e);
        }
    }

    private static Set<String> users(In in) {
        int count = in.count();
        Set<String> ids = new HashSet<>(Math.max(16, count * 4 / 3 + 1));
        byte[] previous = new byte[0];
        for (int i = 0; i < count; i++) {
            int shared = in.varint();
            int suffix = in.count();
            if (shared > previous.length) {
                throw new IllegalArgumentException("user id shares more than the previous id has");
            }
            byte[] id = Arrays.copyOf(previous, shared + suffix);
            in.bytes(id, shared, suffix);
            ids.add(new String(id, StandardCharsets.UTF_8));
            previous = id;
        }
        return ids;
    }

    /** A growable byte buffer with the encodings above. */
    private static final class Out {
        private byte[] buf = new byte[1024];
        private int size;

        void raw(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        void varint(int v) {
            varlong(v & 0xffffffffL);
        }

        void varlong(long v) {
            while ((v & ~0x7fL) != 0) {
                raw((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            raw((int) v);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            bytes(b);
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    /** A bounds-checked reader; every count is checked against the bytes left, so garbage cannot allocate much. */
    private static final class In {
        private final byte[] data;
        private int at;

        In(byte[] data) {
            this.data = data;
        }

        int raw() {
            return data[at++] & 0xff;
        }

        long varlong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = raw();
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        int varint() {
            long v = varlong();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("number too large: " + v);
            }
            return (int) v;
        }

        /** A count of following items, each at least one byte: never more than the bytes left. */
        int count() {
            int n = varint();
            if (n > data.length - at) {
                throw new IllegalArgumentException("count " + n + " exceeds the " + (data.length - at) + " bytes left");
            }
            return n;
        }

        String string() {
            int n = count();
            String s = new String(data, at, n, StandardCharsets.UTF_8);
            at += n;
            return s;
        }

        void bytes(byte[] into, int offset, int n) {
            System.arraycopy(data, at, into, offset, n);
            at += n;
        }

        boolean atEnd() {
            return at == data.length;
        }
    }
}
