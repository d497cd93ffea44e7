package dev.tls13.crypto;

import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.TrafficSecret;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A dudect-style timing leak detector for our secret-dependent code (Reparaz, Balasch, Verbauwhede, "Dude, is my
 * code constant time?", DATE 2017): for each target, measurements of two classes of inputs are interleaved in a
 * random order, class 0 a fixed input (scalar 1, a low or a high Hamming weight scalar, digit 0, a tag wrong only
 * in its last byte) and class 1 random inputs, each timed alone with {@link System#nanoTime()}; Welch's t-test
 * then compares the two distributions, on all measurements and on measurements below each of dudect's 100
 * cropping percentiles (1 - 0.5^(10 (k + 1) / 100)), which remove the long tail the machine adds. A |t| above
 * 4.5 (dudect's threshold) says the timings of the two classes differ: a leak, or the machine's noise, which a
 * second run tells apart. Not a unit test: it asserts nothing and is run by {@code benchmarks/timing.sh}.
 *
 * <p>It lives in {@code dev.tls13.crypto} to reach the package-private P-256 and ML-KEM code; the masked table
 * reads, which are private, are reached by method handles, whose call cost is the same for both classes.
 *
 * <p>Usage: {@code TimingHarness [--n N] [--n-ec N] [--only substring]...}: {@code --n} measurements per class
 * for the fast targets (field inversion, table reads, tag, Finished and binder comparisons; default 100,000),
 * {@code --n-ec} for key generation, ECDH, signing and ML-KEM decapsulation (default 10,000).
 */
public final class TimingHarness {

    /** dudect's threshold on |t|. */
    static final double THRESHOLD = 4.5;

    /** One function under test and its two classes of inputs. */
    private interface Target {
        /** The input of one measurement, prepared outside the timed region. */
        Object input(boolean fixed, SplittableRandom random) throws Throwable;

        /** The timed operation. */
        void run(Object input) throws Throwable;
    }

    private record Named(String name, boolean ec, String classes, Target target) {
    }

    /** What one target measured. */
    record Result(String name, String classes, int perClass, double meanFixed, double meanRandom, double rawT,
                  double maxT, double percentile) {
    }

    private TimingHarness() {
    }

    /**
     * Runs every target and prints the table.
     *
     * @param args {@code --n N}, {@code --n-ec N}, {@code --only substring} (repeatable)
     * @throws Throwable if a target cannot be set up
     */
    public static void main(String[] args) throws Throwable {
        int n = 100_000;
        int nEc = 10_000;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--n-ec" -> nEc = Integer.parseInt(args[++i]);
                case "--only" -> only.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (expected --n N, --n-ec N, --only substring)");
            }
        }
        System.out.printf(Locale.ROOT, "# dudect-style timing test, %s %s, %d cores, |t| > %.1f = leak%n",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                Runtime.getRuntime().availableProcessors(), THRESHOLD);
        System.out.println("| target | classes (fixed vs random) | measurements per class | mean ns fixed / random "
                + "| raw abs(t) | max abs(t) over crops (percentile) | verdict |");
        System.out.println("|---|---|---:|---:|---:|---:|---|");
        for (Named target : targets()) {
            if (!only.isEmpty() && only.stream().noneMatch(target.name()::contains)) {
                continue;
            }
            Result r = measure(target, target.ec() ? nEc : n);
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.0f / %.0f | %.2f | %.2f (%.3f) | %s |%n", r.name(),
                    r.classes(), r.perClass(), r.meanFixed(), r.meanRandom(), r.rawT(), r.maxT(), r.percentile(),
                    Math.max(r.rawT(), r.maxT()) > THRESHOLD ? "**above threshold**" : "no leak found");
        }
    }

    private static Result measure(Named named, int perClass) throws Throwable {
        Target target = named.target();
        SplittableRandom random = new SplittableRandom(0x7153_2026L ^ named.name().hashCode());
        // Warm-up: both classes, so the JIT compiles the paths the measurement takes.
        for (int i = 0; i < Math.min(perClass, 20_000); i++) {
            target.run(target.input((i & 1) == 0, random));
        }
        long[] fixed = new long[perClass];
        long[] other = new long[perClass];
        int f = 0;
        int o = 0;
        // As dudect does: prepare a batch of inputs with their classes first, then time the batch, so the work
        // of making an input (random bytes, copies) never runs between two measurements of one class only.
        int batch = Math.min(2 * perClass, 10_000);
        boolean[] classes = new boolean[batch];
        Object[] inputs = new Object[batch];
        long[] times = new long[batch];
        while (f < perClass || o < perClass) {
            int count = 0;
            for (int wantF = f, wantO = o; count < batch && (wantF < perClass || wantO < perClass); count++) {
                boolean isFixed = wantO == perClass || (wantF < perClass && random.nextBoolean());
                classes[count] = isFixed;
                inputs[count] = target.input(isFixed, random);
                if (isFixed) {
                    wantF++;
                } else {
                    wantO++;
                }
            }
            for (int i = 0; i < count; i++) {
                Object input = inputs[i];
                long start = System.nanoTime();
                target.run(input);
                times[i] = System.nanoTime() - start;
            }
            for (int i = 0; i < count; i++) {
                if (classes[i]) {
                    fixed[f++] = times[i];
                } else {
                    other[o++] = times[i];
                }
                inputs[i] = null;
            }
        }
        return statistics(named, fixed, other);
    }

    /** Welch's t on all measurements and below each of dudect's cropping percentiles of the pooled times. */
    static Result statistics(Named named, long[] fixed, long[] other) {
        long[] pooled = new long[fixed.length + other.length];
        System.arraycopy(fixed, 0, pooled, 0, fixed.length);
        System.arraycopy(other, 0, pooled, fixed.length, other.length);
        Arrays.sort(pooled);
        double raw = Math.abs(welch(fixed, other, Long.MAX_VALUE));
        double max = 0;
        double at = 0;
        for (int k = 0; k < 100; k++) {
            double p = 1 - Math.pow(0.5, 10.0 * (k + 1) / 100);
            long threshold = pooled[(int) Math.min(pooled.length - 1, Math.floor(p * pooled.length))];
            double t = Math.abs(welch(fixed, other, threshold));
            if (t > max) {
                max = t;
                at = p;
            }
        }
        return new Result(named.name(), named.classes(), fixed.length, mean(fixed), mean(other), raw, max, at);
    }

    private static double mean(long[] a) {
        double sum = 0;
        for (long v : a) {
            sum += v;
        }
        return sum / a.length;
    }

    /** Welch's t statistic of the measurements below {@code threshold}, by Welford's running moments. */
    private static double welch(long[] a, long[] b, long threshold) {
        double[] ma = moments(a, threshold);
        double[] mb = moments(b, threshold);
        if (ma[0] < 2 || mb[0] < 2) {
            return 0;
        }
        double va = ma[2] / (ma[0] - 1);
        double vb = mb[2] / (mb[0] - 1);
        double denominator = Math.sqrt(va / ma[0] + vb / mb[0]);
        return denominator == 0 ? 0 : (ma[1] - mb[1]) / denominator;
    }

    /** {count, mean, sum of squared deviations} of the values below the threshold. */
    private static double[] moments(long[] values, long threshold) {
        double count = 0;
        double mean = 0;
        double m2 = 0;
        for (long v : values) {
            if (v >= threshold && threshold != Long.MAX_VALUE) {
                continue;
            }
            count++;
            double delta = v - mean;
            mean += delta / count;
            m2 += delta * (v - mean);
        }
        return new double[] {count, mean, m2};
    }

    // ------------------------------------------------------------------ the targets

    private static final BigInteger N =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    /** A uniformly random scalar in [1, n - 1]. */
    private static byte[] randomScalar(SplittableRandom random) {
        byte[] k = new byte[32];
        while (true) {
            random.nextBytes(k);
            BigInteger v = new BigInteger(1, k);
            if (v.signum() > 0 && v.compareTo(N) < 0) {
                return k;
            }
        }
    }

    private static byte[] scalar(String hex) {
        byte[] out = new byte[32];
        byte[] v = new BigInteger(hex, 16).toByteArray();
        int skip = v.length > 32 ? v.length - 32 : 0;
        System.arraycopy(v, skip, out, 32 - (v.length - skip), v.length - skip);
        return out;
    }

    /** The fixed scalars: 1; weight 2 (one bit at each end); weight 255 (2^255 - 1, below n). */
    private static final byte[] ONE = scalar("1");
    private static final byte[] LOW_WEIGHT = scalar("8000000000000000000000000000000000000000000000000000000000000001");
    private static final byte[] HIGH_WEIGHT = scalar("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");

    private static List<Named> targets() throws Throwable {
        List<Named> targets = new ArrayList<>();
        String[] labels = {"scalar 1", "Hamming weight 2", "Hamming weight 255"};
        byte[][] fixedScalars = {ONE, LOW_WEIGHT, HIGH_WEIGHT};
        byte[] peer = P256.publicKey(randomScalar(new SplittableRandom(1)));
        byte[] digest = new byte[32];
        new SplittableRandom(2).nextBytes(digest);
        SecureRandom noise = SecureRandom.getInstance("SHA1PRNG");
        noise.setSeed(3);
        for (int i = 0; i < fixedScalars.length; i++) {
            byte[] fixedScalar = fixedScalars[i];
            Target scalars = new ScalarTarget(fixedScalar) {
                @Override
                public void run(Object input) {
                    P256.publicKey((byte[]) input);
                }
            };
            targets.add(new Named("P256 key generation (k·G)", true, labels[i] + " vs random k", scalars));
        }
        for (int i = 0; i < fixedScalars.length; i++) {
            targets.add(new Named("P256 ECDH (k·Q)", true, labels[i] + " vs random k",
                    new ScalarTarget(fixedScalars[i]) {
                        @Override
                        public void run(Object input) throws Throwable {
                            P256.agree((byte[]) input, peer);
                        }
                    }));
        }
        for (int i = 0; i < fixedScalars.length; i += 2) {
            targets.add(new Named("P256 ECDSA signing (hedged)", true, "private key " + labels[i] + " vs random",
                    new ScalarTarget(fixedScalars[i]) {
                        @Override
                        public void run(Object input) {
                            P256.sign((byte[]) input, digest, noise);
                        }
                    }));
        }
        byte[] signingKey = randomScalar(new SplittableRandom(4));
        targets.add(new Named("P256 ECDSA signing (hedged)", true, "digest 0 vs random digest", new Target() {
            private final byte[] zero = new byte[32];

            @Override
            public Object input(boolean fixed, SplittableRandom random) {
                byte[] d = new byte[32];
                random.nextBytes(d);
                if (fixed) {
                    System.arraycopy(zero, 0, d, 0, d.length);
                }
                return d;
            }

            @Override
            public void run(Object input) {
                P256.sign(signingKey, (byte[]) input, noise);
            }
        }));
        targets.add(inversion());
        targets.addAll(tableReads());
        for (AeadAlgorithm algorithm : new AeadAlgorithm[] {AeadAlgorithm.AES_128_GCM,
                AeadAlgorithm.CHACHA20_POLY1305, AeadAlgorithm.AES_128_CCM}) {
            targets.add(aeadTag(algorithm));
        }
        targets.add(finished());
        targets.add(binder());
        targets.addAll(mlKemDecapsulation());
        return targets;
    }

    /**
     * ML-KEM-768 decapsulation (FIPS 203 Algorithm 18) with one key: class 0 the valid ciphertext, whose
     * re-encryption matches and whose secret is K'; class 1 a ciphertext that implicit rejection answers with
     * K̄ = J(z || c), either random or the valid one with one random bit flipped. Both classes must take the same
     * time: the comparison and the selection are masked.
     */
    private static List<Named> mlKemDecapsulation() throws Throwable {
        SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
        seeded.setSeed(6);
        MlKem.DecapsulationKey key = MlKem.ML_KEM_768.generate(seeded);
        byte[] valid = MlKem.ML_KEM_768.encapsulate(key.encapsulationKey(), seeded).ciphertext();
        List<Named> targets = new ArrayList<>();
        for (boolean flip : new boolean[] {false, true}) {
            targets.add(new Named("ML-KEM-768 decapsulation", true,
                    flip ? "valid c vs c with one random bit flipped" : "valid c vs random c", new Target() {
                        @Override
                        public Object input(boolean fixed, SplittableRandom random) {
                            byte[] c = valid.clone();
                            if (!fixed) {
                                if (flip) {
                                    int bit = random.nextInt(8 * c.length);
                                    c[bit >>> 3] ^= (byte) (1 << (bit & 7));
                                } else {
                                    random.nextBytes(c);
                                }
                            }
                            return c;
                        }

                        @Override
                        public void run(Object input) throws Throwable {
                            key.decapsulate((byte[]) input);
                        }
                    }));
        }
        return targets;
    }

    /** Class 0 a fixed scalar, class 1 a random one. */
    private abstract static class ScalarTarget implements Target {
        private final byte[] fixed;

        ScalarTarget(byte[] fixed) {
            this.fixed = fixed;
        }

        @Override
        public Object input(boolean isFixed, SplittableRandom random) {
            byte[] k = randomScalar(random);
            if (isFixed) {
                System.arraycopy(fixed, 0, k, 0, k.length);
            }
            return k;
        }
    }

    /** The field inversion a^(p-2) of 1 (in Montgomery form) against random elements. */
    private static Named inversion() {
        long[] one = P256Field.create();
        P256Field.fromBytes(scalar("1"), 0, one);
        P256Field.toMontgomery(one, one);
        long[] out = P256Field.create();
        long[] s0 = P256Field.create();
        long[] s1 = P256Field.create();
        long[] s2 = P256Field.create();
        BigInteger p = new BigInteger("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", 16);
        return new Named("P256Field inversion", false, "1 vs random field element", new Target() {
            @Override
            public Object input(boolean fixed, SplittableRandom random) {
                byte[] b = new byte[32];
                random.nextBytes(b);
                long[] a = P256Field.create();
                P256Field.fromBytes(scalar(new BigInteger(1, b).mod(p).toString(16)), 0, a);
                P256Field.toMontgomery(a, a);
                if (fixed) {
                    System.arraycopy(one, 0, a, 0, a.length);
                }
                return a;
            }

            @Override
            public void run(Object input) {
                P256Field.invert((long[]) input, out, s0, s1, s2);
            }
        });
    }

    /** P256's private masked table reads: digit 0 (the identity's path) against random digits. */
    private static List<Named> tableReads() throws Throwable {
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(P256.class, MethodHandles.lookup());
        P256 p = (P256) lookup.findConstructor(P256.class, MethodType.methodType(void.class)).invoke();
        MethodHandle decodePoint = lookup.findVirtual(P256.class, "decodePoint",
                MethodType.methodType(void.class, byte[].class, long[].class, long[].class));
        MethodHandle table = lookup.findVirtual(P256.class, "table",
                MethodType.methodType(void.class, long[].class, long[].class));
        MethodHandle select = lookup.findVirtual(P256.class, "select", MethodType.methodType(void.class, int.class));
        MethodHandle selectBase = lookup.findVirtual(P256.class, "selectBase",
                MethodType.methodType(void.class, int.class, int.class));
        long[] qx = P256Field.create();
        long[] qy = P256Field.create();
        decodePoint.invoke(p, P256.publicKey(randomScalar(new SplittableRandom(5))), qx, qy);
        table.invoke(p, qx, qy);
        List<Named> targets = new ArrayList<>();
        targets.add(new Named("P256 variable-base table read (select)", false, "digit 0 vs random digit",
                new Target() {
                    @Override
                    public Object input(boolean fixed, SplittableRandom random) {
                        int digit = random.nextInt(16);
                        return fixed ? 0 : digit;
                    }

                    @Override
                    public void run(Object input) throws Throwable {
                        select.invoke(p, (int) (Integer) input);
                    }
                }));
        targets.add(new Named("P256 fixed-base table read (selectBase)", false,
                "digit 0 vs random digit (window random in both)", new Target() {
                    @Override
                    public Object input(boolean fixed, SplittableRandom random) {
                        int window = random.nextInt(64);
                        int digit = random.nextInt(16);
                        return new int[] {window, fixed ? 0 : digit};
                    }

                    @Override
                    public void run(Object input) throws Throwable {
                        int[] wd = (int[]) input;
                        selectBase.invoke(p, wd[0], wd[1]);
                    }
                }));
        return targets;
    }

    /**
     * The AEAD's tag check on a forged 64-byte record: a tag wrong only in its last byte against a random tag
     * (wrong from its first byte): an early-exit comparison would take longer on the first class.
     */
    private static Named aeadTag(AeadAlgorithm algorithm) throws GeneralSecurityException {
        CryptoProvider crypto = JcaCryptoProvider.instance();
        byte[] key = new byte[algorithm.keyLength()];
        new SplittableRandom(6).nextBytes(key);
        Aead aead = crypto.aead(algorithm, key);
        byte[] nonce = new byte[12];
        byte[] aad = {23, 3, 3, 0, 80};
        byte[] plaintext = new byte[64];
        byte[] sealed = new byte[64 + algorithm.tagLength()];
        aead.seal(nonce, aad, plaintext, 0, plaintext.length, sealed, 0);
        byte[] scratch = new byte[sealed.length];
        return new Named("AEAD tag check " + algorithm, false, "tag wrong in its last byte vs random tag",
                new Target() {
                    @Override
                    public Object input(boolean fixed, SplittableRandom random) {
                        byte[] record = sealed.clone();
                        byte[] tag = new byte[algorithm.tagLength()];
                        random.nextBytes(tag);
                        if (fixed) {
                            record[record.length - 1] ^= 1;
                        } else {
                            System.arraycopy(tag, 0, record, 64, tag.length);
                            record[64] = (byte) ~sealed[64];
                        }
                        return record;
                    }

                    @Override
                    public void run(Object input) {
                        byte[] record = (byte[]) input;
                        try {
                            aead.open(nonce, aad, record, 0, record.length, scratch, 0);
                            throw new IllegalStateException("a forged record opened");
                        } catch (GeneralSecurityException expected) {
                            // The failure is the measured path.
                        }
                    }
                });
    }

    /** Finished.verify_data: wrong only in its last byte against random (RFC 8446 §4.4.4). */
    private static Named finished() {
        TrafficSecret secret = EarlySecret.withoutPsk(JcaCryptoProvider.instance(), HashAlgorithm.SHA256)
                .handshakeSecret(new byte[32]).clientHandshakeTrafficSecret(new byte[32]);
        byte[] hash = new byte[32];
        byte[] good = secret.finishedVerifyData(hash);
        return new Named("Finished verify_data check", false, "wrong in its last byte vs random",
                lastByteVersusRandom(good, candidate -> secret.verifyFinished(hash, candidate)));
    }

    /** A PSK binder: wrong only in its last byte against random (RFC 8446 §4.2.11.2). */
    private static Named binder() throws Throwable {
        EarlySecret early = EarlySecret.withPsk(JcaCryptoProvider.instance(), HashAlgorithm.SHA256, new byte[32]);
        Class<?> pskType = Class.forName("dev.tls13.keys.PskType");
        Object resumption = pskType.getEnumConstants()[1];
        MethodHandle verify = MethodHandles.lookup().findVirtual(EarlySecret.class, "verifyBinder",
                MethodType.methodType(boolean.class, pskType, byte[].class, byte[].class));
        MethodHandle compute = MethodHandles.lookup().findVirtual(EarlySecret.class, "binder",
                MethodType.methodType(byte[].class, pskType, byte[].class));
        byte[] hash = new byte[32];
        byte[] good = (byte[]) compute.invoke(early, resumption, hash);
        return new Named("PSK binder check", false, "wrong in its last byte vs random",
                lastByteVersusRandom(good, candidate -> (boolean) verify.invoke(early, resumption, hash, candidate)));
    }

    private interface Check {
        boolean test(byte[] candidate) throws Throwable;
    }

    private static Target lastByteVersusRandom(byte[] good, Check check) {
        return new Target() {
            @Override
            public Object input(boolean fixed, SplittableRandom random) {
                byte[] candidate = good.clone();
                byte[] noise = new byte[good.length];
                random.nextBytes(noise);
                if (fixed) {
                    candidate[candidate.length - 1] ^= 1;
                } else {
                    System.arraycopy(noise, 0, candidate, 0, noise.length);
                    candidate[0] = (byte) ~good[0];
                }
                return candidate;
            }

            @Override
            public void run(Object input) throws Throwable {
                if (check.test((byte[]) input)) {
                    throw new IllegalStateException("a wrong value was accepted");
                }
            }
        };
    }
}
