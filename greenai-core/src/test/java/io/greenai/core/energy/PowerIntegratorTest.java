package io.greenai.core.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PowerIntegratorTest {

    @Test
    void joules_followsTrapezoidRule() {
        PowerIntegrator integrator = new PowerIntegrator();

        integrator.add(0, 100);
        integrator.add(1_000_000_000L, 200);
        integrator.add(3_000_000_000L, 100);

        // (100 + 200) / 2 x 1 s + (200 + 100) / 2 x 2 s = 150 + 300 J
        assertThat(integrator.joules()).isCloseTo(450.0, within(1e-9));
    }

    @Test
    void joules_isZeroForOneSample() {
        PowerIntegrator integrator = new PowerIntegrator();

        integrator.add(5, 100);

        assertThat(integrator.joules()).isZero();
    }

    @Test
    void add_ignoresSampleOlderThanTheLast() {
        PowerIntegrator integrator = new PowerIntegrator();

        integrator.add(0, 100);
        integrator.add(2_000_000_000L, 100);
        integrator.add(1_000_000_000L, 1_000);
        integrator.add(3_000_000_000L, 100);

        assertThat(integrator.joules()).isCloseTo(300.0, within(1e-9));
    }
}
