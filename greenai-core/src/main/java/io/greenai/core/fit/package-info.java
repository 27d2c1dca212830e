/**
 * Model fitting with EJML: closed-form least squares and ridge regression on streamed samples
 * ({@link io.greenai.core.fit.RidgeRegression}), and L2-regularised logistic regression by Newton's
 * method ({@link io.greenai.core.fit.LogisticRegression}), both giving a
 * {@link io.greenai.core.fit.LinearModel} or its weights.
 */
package io.greenai.core.fit;
