/** JMH benchmarks of tflited's kernels (GMAC/s of MobileNet-shaped GEMMs and depthwise convs). */
package io.tflited.bench;
