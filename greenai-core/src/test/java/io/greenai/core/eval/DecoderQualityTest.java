package io.greenai.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DecoderQualityTest {

    private static final float LN2 = (float) Math.log(2);
    private static final float LN3 = (float) Math.log(3);
    private static final float LN4 = (float) Math.log(4);

    @Test
    void result_matchesHandComputedAgreementAndPerplexities() {
        // Tokens 0, 2, 1 over a vocabulary of 3; the last position's logits predict nothing.
        // Teacher: softmax(0, 0, ln2) = (1/4, 1/4, 1/2), next token 2: -ln(1/2) = ln 2;
        //          softmax(ln3, 0, 0) = (3/5, 1/5, 1/5), next token 1: ln 5.  Perplexity sqrt(10).
        // Student: softmax(0, ln3, 0) = (1/5, 3/5, 1/5), next token 2: ln 5;
        //          softmax(ln4, 0, 0) = (4/6, 1/6, 1/6), next token 1: ln 6.  Perplexity sqrt(30).
        // Argmax: position 0 teacher 2, student 1 (differ); position 1 both 0 (agree).
        float[][] teacher = {{0, 0, LN2}, {LN3, 0, 0}, {9, 9, 9}};
        float[][] student = {{0, LN3, 0}, {LN4, 0, 0}, {-9, 0, 9}};

        DecoderQuality quality = DecoderQuality.accumulator().add(new long[] {0, 2, 1}, teacher, student).result();

        assertThat(quality.positions()).isEqualTo(2);
        assertThat(quality.nextTokenAgreement()).isEqualTo(0.5);
        assertThat(quality.teacherPerplexity()).isCloseTo(Math.sqrt(10), within(1e-6));
        assertThat(quality.studentPerplexity()).isCloseTo(Math.sqrt(30), within(1e-6));
        assertThat(quality.perplexityRatio()).isCloseTo(Math.sqrt(3), within(1e-6));
    }

    @Test
    void result_poolsPositionsOverSequences() {
        float[][] uniform = {{0, 0}, {0, 0}};
        float[][] sure = {{0, 50}, {50, 0}};

        DecoderQuality quality = DecoderQuality.accumulator()
                .add(new long[] {0, 1}, uniform, uniform)
                .add(new long[] {1, 1}, uniform, sure).result();

        // Perplexities: teacher 2 at both positions; student 2 then ~1 (log-likelihood ~0): sqrt(2).
        assertThat(quality.positions()).isEqualTo(2);
        assertThat(quality.nextTokenAgreement()).isEqualTo(0.5);
        assertThat(quality.teacherPerplexity()).isCloseTo(2, within(1e-9));
        assertThat(quality.studentPerplexity()).isCloseTo(Math.sqrt(2), within(1e-9));
    }

    @Test
    void add_rejectsWhatItCannotScore() {
        float[][] two = {{0, 0}, {0, 0}};
        assertThatThrownBy(() -> DecoderQuality.accumulator().add(new long[] {1}, new float[][] {{0, 0}},
                new float[][] {{0, 0}})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> DecoderQuality.accumulator().add(new long[] {0, 1, 1}, two, two))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 tokens");
        assertThatThrownBy(() -> DecoderQuality.accumulator().add(new long[] {0, 5}, two, two))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token 5");
        assertThatThrownBy(() -> DecoderQuality.accumulator().add(new long[] {0, 1},
                new float[][] {{Float.NaN, 0}, {0, 0}}, two)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> DecoderQuality.accumulator().result()).isInstanceOf(IllegalStateException.class);
    }
}
