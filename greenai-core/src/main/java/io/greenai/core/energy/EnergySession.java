package io.greenai.core.energy;

/**
 * A running energy measurement. Each {@link #read()} returns the energy used since the session
 * started; reading does not reset it. Close the session to stop any sampling thread it runs.
 */
public interface EnergySession extends AutoCloseable {

    /**
     * Reads the energy used since the session started.
     *
     * @return the cumulative reading
     * @throws IllegalStateException if the session is closed
     * @throws io.greenai.core.GreenAiException if a counter or sensor cannot be read
     */
    EnergyReading read();

    /** Stops the session and releases what it holds; closing twice does nothing. */
    @Override
    void close();
}
