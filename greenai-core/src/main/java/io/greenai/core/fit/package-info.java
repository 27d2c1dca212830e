/** Closed-form model fitting on streamed samples (EJML): least squares and ridge regression. */
package io.greenai.core.fit;
