#!/bin/sh
# Regenerates the FlatBuffers Java classes from tflite.fbs (flatc 2.0.8 = flatbuffers-java 2.0.8).
cd "$(dirname "$0")" && rm -rf ../java/io/tflited/runtime/model/fb && flatc --java -o ../java tflite.fbs
