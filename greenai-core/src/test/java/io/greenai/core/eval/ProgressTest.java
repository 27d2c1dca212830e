package io.greenai.core.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void console_drawsTheFinishedBarAndEndsTheLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        try (Progress.Step step = Progress.console(out).start("work", 4)) {
            step.advance(2);
            step.advance(2);
        }

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("work").contains("[########################] 100%").contains("4/4").endsWith(
                System.lineSeparator());
    }
}
