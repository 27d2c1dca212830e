package io.greenai.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts about the GreenAI library itself. */
public final class GreenAi {

    private GreenAi() {
    }

    /**
     * Returns the library version, as written into the metadata of every model GreenAI saves.
     *
     * @return e.g. {@code 0.1.0-SNAPSHOT}
     */
    public static String version() {
        try (InputStream in = GreenAi.class.getResourceAsStream("greenai.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read greenai.properties from the greenai-core jar", e);
        }
    }
}
