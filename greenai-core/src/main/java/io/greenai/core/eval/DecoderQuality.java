package io.greenai.core.eval;

/**
 * How closely a compressed decoder (the student) follows its teacher on token sequences: the share of
 * positions where both predict the same next token, and the ratio of their perplexities on the
 * sequences' actual next tokens.
 *
 * <p>At position {@code t} of a sequence, the logits predict token {@code t + 1}; the last position
 * predicts nothing in the sequence and is not counted. Perplexity is {@code exp} of the mean negative
 * log-likelihood (natural log) of the actual next tokens, over all counted positions.
 *
 * @param positions the number of positions counted
 * @param nextTokenAgreement share of positions where the student's most likely next token (argmax of
 *     the logits, the lowest index on ties) is the teacher's, in [0, 1]
 * @param teacherPerplexity the teacher's perplexity on the sequences
 * @param studentPerplexity the student's perplexity on the sequences
 */
public record DecoderQuality(long positions, double nextTokenAgreement, double teacherPerplexity,
        double studentPerplexity) {

    /**
     * Returns the student's perplexity over the teacher's: 1 when equal, above 1 when the student is
     * more surprised by the text.
     *
     * @return {@code studentPerplexity / teacherPerplexity}
     */
    public double perplexityRatio() {
        return studentPerplexity / teacherPerplexity;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "next-token agreement %.4f, perplexity %.4f -> %.4f (ratio %.4f) on %d positions", nextTokenAgreement,
                teacherPerplexity, studentPerplexity, perplexityRatio(), positions);
    }

    /**
     * Starts an accumulation over sequences.
     *
     * @return an empty accumulator
     */
    public static Accumulator accumulator() {
        return new Accumulator();
    }

    /** Adds up sequences, one at a time; not thread-safe. */
    public static final class Accumulator {

        private long positions;
        private long agreements;
        private double teacherLoss;
        private double studentLoss;

        private Accumulator() {
        }

        /**
         * Adds one sequence.
         *
         * @param tokens the sequence's token ids, at least two
         * @param teacher the teacher's logits, one row of vocabulary scores per token
         * @param student the student's logits, same shape
         * @return this accumulator
         * @throws IllegalArgumentException if the shapes disagree, the sequence is shorter than two
         *     tokens, a token is outside the vocabulary, or a logit is not finite
         */
        public Accumulator add(long[] tokens, float[][] teacher, float[][] student) {
            if (tokens.length < 2) {
                throw new IllegalArgumentException("a sequence needs at least 2 tokens to predict one: "
                        + tokens.length);
            }
            if (teacher.length != tokens.length || student.length != tokens.length) {
                throw new IllegalArgumentException("logits for " + teacher.length + " (teacher) and " + student.length
                        + " (student) positions, but " + tokens.length + " tokens");
            }
            for (int t = 0; t + 1 < tokens.length; t++) {
                int vocabulary = teacher[t].length;
                if (student[t].length != vocabulary) {
                    throw new IllegalArgumentException("position " + t + ": teacher has " + vocabulary
                            + " logits, student " + student[t].length);
                }
                long next = tokens[t + 1];
                if (next < 0 || next >= vocabulary) {
                    throw new IllegalArgumentException("token " + next + " at position " + (t + 1)
                            + " is outside the vocabulary of " + vocabulary);
                }
                if (argmax(teacher[t]) == argmax(student[t])) {
                    agreements++;
                }
                teacherLoss += negativeLogLikelihood(teacher[t], (int) next);
                studentLoss += negativeLogLikelihood(student[t], (int) next);
                positions++;
            }
            return this;
        }

        /**
         * Returns the quality over the sequences added so far.
         *
         * @return the quality
         * @throws IllegalStateException if no sequence was added
         */
        public DecoderQuality result() {
            if (positions == 0) {
                throw new IllegalStateException("no sequence was added");
            }
            return new DecoderQuality(positions, (double) agreements / positions, Math.exp(teacherLoss / positions),
                    Math.exp(studentLoss / positions));
        }

        private static int argmax(float[] logits) {
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return best;
        }

        /** -log softmax(logits)[token], computed stably. */
        private static double negativeLogLikelihood(float[] logits, int token) {
            double max = Double.NEGATIVE_INFINITY;
            for (float logit : logits) {
                if (!Float.isFinite(logit)) {
                    throw new IllegalArgumentException("logit " + logit + " is not finite");
                }
                max = Math.max(max, logit);
            }
            double sum = 0;
            for (float logit : logits) {
                sum += Math.exp(logit - max);
            }
            return max + Math.log(sum) - logits[token];
        }
    }
}
