package io.greenai.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GreenAiTest {

    @Test
    void version_isFilteredProjectVersion() {
        String version = GreenAi.version();

        assertThat(version)
                .isNotEqualTo("unknown")
                .doesNotContain("${")
                .isEqualTo("0.1.0-SNAPSHOT");
    }
}
