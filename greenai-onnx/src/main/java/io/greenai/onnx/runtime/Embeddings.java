package io.greenai.onnx.runtime;

/** Sentence embeddings from token vectors, and how to compare them. */
public final class Embeddings {

    private Embeddings() {
    }

    /**
     * Averages token vectors over the real (mask 1) tokens of each row: the usual sentence embedding.
     *
     * @param hidden a {@code [batch, sequence, width]} tensor
     * @param mask the {@code [batch][sequence]} attention mask
     * @return one vector per row
     */
    public static float[][] meanPool(FloatTensor hidden, long[][] mask) {
        int batch = (int) hidden.shape()[0];
        int sequence = (int) hidden.shape()[1];
        int width = (int) hidden.shape()[2];
        float[][] pooled = new float[batch][width];
        for (int b = 0; b < batch; b++) {
            int tokens = 0;
            for (int s = 0; s < sequence; s++) {
                if (mask[b][s] == 0) {
                    continue;
                }
                tokens++;
                int offset = (b * sequence + s) * width;
                for (int w = 0; w < width; w++) {
                    pooled[b][w] += hidden.data()[offset + w];
                }
            }
            for (int w = 0; w < width; w++) {
                pooled[b][w] /= Math.max(tokens, 1);
            }
        }
        return pooled;
    }

    /**
     * Returns the cosine similarity of two vectors.
     *
     * @param a a vector
     * @param b a vector of the same length
     * @return the cosine, or 0 when a vector is zero
     */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
