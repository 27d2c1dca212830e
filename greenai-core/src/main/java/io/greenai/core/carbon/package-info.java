/**
 * Carbon accounting: from joules to grams of CO2 equivalent.
 *
 * <p>{@link io.greenai.core.carbon.CarbonIntensity} is the grid's grams CO2e per kWh (presets with
 * their sources, or the user's value), {@link io.greenai.core.carbon.Pue} the data centre's power
 * usage effectiveness, {@link io.greenai.core.carbon.EmbodiedCarbon} the hardware's manufacturing
 * emissions, and {@link io.greenai.core.carbon.Sci} puts them together in the Green Software
 * Foundation's Software Carbon Intensity form, {@code SCI = (E x I + M) / R}, per functional unit
 * (here, per inference).
 */
package io.greenai.core.carbon;
