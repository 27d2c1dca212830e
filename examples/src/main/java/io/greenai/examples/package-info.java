/** Runnable examples of GreenAI's public API; {@link io.greenai.examples.QuickStart} is the README's main job. */
package io.greenai.examples;
