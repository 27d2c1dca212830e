/**
 * Runnable examples of GreenAI's public API: {@link io.greenai.examples.QuickStart} is the README's
 * main job (evaluation of the compression recipes, report and chart), and
 * {@link io.greenai.examples.DjlInference} serves a compressed classifier through DJL.
 */
package io.greenai.examples;
