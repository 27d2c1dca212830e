package io.greenai.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenai.core.CompressionPlan;
import org.junit.jupiter.api.Test;

class InferenceBenchmarkTest {

    @Test
    void planSpec_readsPlusAsStepSeparator() {
        assertThat(CompressionPlan.parse(InferenceBenchmark.planSpec("removeLayers=6+prune=0.5+quantize=INT8")))
                .isEqualTo(CompressionPlan.parse("removeLayers=6,prune=0.5,quantize=INT8"));
    }

    @Test
    void planSpec_keepsSingleStep() {
        assertThat(InferenceBenchmark.planSpec("removeLayersAt=9;10;11")).isEqualTo("removeLayersAt=9;10;11");
    }
}
