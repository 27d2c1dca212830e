package io.greenai.core.carbon;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Grams of CO2 equivalent emitted per kilowatt-hour of electricity, with where the figure comes
 * from. Country presets are annual averages of electricity generation (lifecycle emissions, Ember
 * via Our World in Data, "Carbon intensity of electricity generation", 2023 values); use your own
 * provider's or region's figure where you know it.
 *
 * @param gramsPerKilowattHour gCO2e/kWh
 * @param source where the figure comes from, printed beside every result
 */
public record CarbonIntensity(double gramsPerKilowattHour, String source) {

    /** Joules in one kilowatt-hour. */
    public static final double JOULES_PER_KILOWATT_HOUR = 3.6e6;

    /**
     * World average, 475 gCO2e/kWh: IEA Global Energy and CO2 Status Report 2019; CodeCarbon's
     * default when it knows no location.
     */
    public static final CarbonIntensity WORLD = new CarbonIntensity(475,
            "world average, IEA Global Energy & CO2 Status Report 2019");

    /** Japan, 485 gCO2e/kWh: Our World in Data (Ember), 2023. */
    public static final CarbonIntensity JAPAN = new CarbonIntensity(485, "Japan, Our World in Data (Ember) 2023");

    /** France, 56 gCO2e/kWh: Our World in Data (Ember), 2023. */
    public static final CarbonIntensity FRANCE = new CarbonIntensity(56, "France, Our World in Data (Ember) 2023");

    /** Germany, 381 gCO2e/kWh: Our World in Data (Ember), 2023. */
    public static final CarbonIntensity GERMANY = new CarbonIntensity(381,
            "Germany, Our World in Data (Ember) 2023");

    /** China, 582 gCO2e/kWh: Our World in Data (Ember), 2023. */
    public static final CarbonIntensity CHINA = new CarbonIntensity(582, "China, Our World in Data (Ember) 2023");

    /** India, 713 gCO2e/kWh: Our World in Data (Ember), 2023. */
    public static final CarbonIntensity INDIA = new CarbonIntensity(713, "India, Our World in Data (Ember) 2023");

    private static final Map<String, CarbonIntensity> PRESETS = Map.of(
            "world", WORLD, "jp", JAPAN, "fr", FRANCE, "de", GERMANY, "cn", CHINA, "in", INDIA);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the intensity is negative, NaN or infinite
     */
    public CarbonIntensity {
        if (!(gramsPerKilowattHour >= 0) || Double.isInfinite(gramsPerKilowattHour)) {
            throw new IllegalArgumentException("carbon intensity must be a finite number >= 0 gCO2e/kWh: "
                    + gramsPerKilowattHour);
        }
        Objects.requireNonNull(source, "source");
    }

    /**
     * Uses the user's own figure, e.g. from the electricity contract or a grid operator.
     *
     * @param gramsPerKilowattHour gCO2e/kWh, at least 0
     * @return the intensity, with source {@code user value}
     * @throws IllegalArgumentException if the value is negative, NaN or infinite
     */
    public static CarbonIntensity of(double gramsPerKilowattHour) {
        return new CarbonIntensity(gramsPerKilowattHour, "user value");
    }

    /**
     * Reads a preset name or a number, as command lines give it.
     *
     * @param text {@code world}, {@code JP}, {@code FR}, {@code DE}, {@code CN}, {@code IN} (any case),
     *     or a number of gCO2e/kWh
     * @return the intensity
     * @throws IllegalArgumentException naming the text if it is neither
     */
    public static CarbonIntensity parse(String text) {
        String key = text.trim().toLowerCase(Locale.ROOT);
        CarbonIntensity preset = PRESETS.get(key);
        if (preset != null) {
            return preset;
        }
        try {
            return of(Double.parseDouble(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("carbon intensity must be one of world, JP, FR, DE, CN, IN or a number "
                    + "of gCO2e/kWh: '" + text + "'", e);
        }
    }

    /**
     * Converts energy to emissions at this intensity.
     *
     * @param joules energy
     * @return grams CO2e
     */
    public double gramsFor(double joules) {
        return joules / JOULES_PER_KILOWATT_HOUR * gramsPerKilowattHour;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.0f gCO2e/kWh (%s)", gramsPerKilowattHour, source);
    }
}
