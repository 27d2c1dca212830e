package io.greenai.core.energy;

import io.greenai.core.GreenAiException;

/** A meter was started on a machine where it cannot read energy; the message says why. */
public class MeterUnavailableException extends GreenAiException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the meter's name and the reason it is unavailable
     */
    public MeterUnavailableException(String message) {
        super(message);
    }
}
