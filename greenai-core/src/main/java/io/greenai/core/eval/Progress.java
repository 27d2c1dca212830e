package io.greenai.core.eval;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Reports progress through long steps (embedding thousands of texts, evaluating each variant).
 * {@link #console(PrintStream)} draws a bar; {@link #none()} stays silent.
 */
public interface Progress {

    /**
     * Starts a step.
     *
     * @param label what the step does, e.g. {@code evaluate Layer Removal}
     * @param total units of work in the step, at least 1
     * @return the step; call {@link Step#advance} as work is done and {@link Step#close} at the end
     */
    Step start(String label, long total);

    /** One step under way. */
    interface Step extends AutoCloseable {

        /**
         * Records finished work.
         *
         * @param units units done since the last call
         */
        void advance(long units);

        /** Ends the step. */
        @Override
        void close();
    }

    /**
     * Reports nothing.
     *
     * @return a silent progress
     */
    static Progress none() {
        return (label, total) -> new Step() {
            @Override
            public void advance(long units) {
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * Draws a text progress bar on {@code out}, redrawn in place with a carriage return at most every
     * second, and ended with the step's time:
     * {@code evaluate Layer Removal [##########----------]  50%  436/872  3.1 s}.
     *
     * @param out e.g. {@code System.out}
     * @return the console progress
     */
    static Progress console(PrintStream out) {
        return (label, total) -> new Step() {
            private final long start = System.nanoTime();
            private long done;
            private long lastDraw;

            @Override
            public void advance(long units) {
                done = Math.min(total, done + units);
                long now = System.nanoTime();
                if (now - lastDraw > 1_000_000_000L || done == total) {
                    lastDraw = now;
                    out.print("\r" + line());
                    out.flush();
                }
            }

            @Override
            public void close() {
                if (done < total || lastDraw == 0) {
                    done = total;
                    out.print("\r" + line());
                }
                out.println();
                out.flush();
            }

            private String line() {
                int width = 24;
                int filled = (int) (width * done / Math.max(1, total));
                return String.format(Locale.ROOT, "%-34s [%s%s] %3d%% %6d/%-6d %6.1f s", label, "#".repeat(filled),
                        "-".repeat(width - filled), 100 * done / Math.max(1, total), done, total,
                        (System.nanoTime() - start) / 1e9);
            }
        };
    }
}
