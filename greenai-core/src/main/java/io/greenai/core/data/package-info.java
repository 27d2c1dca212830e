/**
 * Labeled text datasets: {@link io.greenai.core.data.Dataset} and its
 * {@link io.greenai.core.data.DataSplit train/eval split}, and
 * {@link io.greenai.core.data.Datasets} to read GLUE TSV, IMDb (folder and CSV), JSON Lines and the
 * built-in demo reviews. A malformed row throws {@link io.greenai.core.DatasetFormatException} naming
 * the file and line.
 */
package io.greenai.core.data;
