package io.tflited.daemon.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Per-model settings (the {@code model_settings.<name>} section of the config).
 *
 * @param labels class labels for :classify (null: labels_file, then MODEL.labels.txt)
 * @param labelsFile file with one label per line (null when not set)
 * @param workers worker threads, each with its own interpreter
 * @param queueSize bounded request queue length
 * @param imageMean per-channel mean subtracted from 0..255 pixels for float models
 * @param imageStd per-channel divisor for float models (255 gives [0,1])
 */
public record ModelSettings(
    List<String> labels,
    Path labelsFile,
    int workers,
    int queueSize,
    float[] imageMean,
    float[] imageStd) {}
