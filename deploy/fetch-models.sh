#!/usr/bin/env bash
# Downloads a few well-known public TFLite models from their official repositories (pinned
# commits) into a model directory, verifying each file's SHA-256. Idempotent.
#   deploy/fetch-models.sh [DIR]      (default: /var/lib/tflited/models, else ./models)
set -euo pipefail
DIR="${1:-}"
if [ -z "$DIR" ]; then
  if [ -w /var/lib/tflited/models ]; then DIR=/var/lib/tflited/models; else DIR=./models; fi
fi
mkdir -p "$DIR"
CORAL="https://raw.githubusercontent.com/google-coral/test_data/104342d2d3480b3e66203073dac24f4e2dbb4c41"
TINY="https://raw.githubusercontent.com/mlcommons/tiny/1afd2c9820f795965a6134facd0b4dfae41ef23f/benchmark/training"
MICRO="https://raw.githubusercontent.com/tensorflow/tflite-micro/90b983c2b3f1480642e040bbd2ddb37b998f3424/tensorflow/lite/micro/models"

# name  sha256  url
MODELS="
mobilenet_v1_0.25_128_quant.tflite cb273c23ee76374b05b9583177e28aa19744858a7679c56a250e83d0333da785 $CORAL/mobilenet_v1_0.25_128_quant.tflite
mobilenet_v2_1.0_224_quant.tflite 7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776 $CORAL/mobilenet_v2_1.0_224_quant.tflite
mobilenet_v2_1.0_224_quant.labels.txt b8aaeb5630c62626a7d124a05c0e14230a7ffdd2136a31d0190a4fb71c1d82f1 $CORAL/imagenet_labels.txt
vww_96_int8.tflite 597a384c8c2c8a1276f04702f25013b7838f2f814f1ca7c174d295b73e3d6b7b $TINY/visual_wake_words/trained_models/vww_96_int8.tflite
kws_ref_model.tflite aeea436800704fce17b17292e4412630ad856e9d777c044c64ef748a880bd0ae $TINY/keyword_spotting/trained_models/kws_ref_model.tflite
pretrainedResnet_quant.tflite 3c002613d1b2475eb51dd78dfb85a546c8ae658dee71cf6ade43b022fe205415 $TINY/image_classification/trained_models/pretrainedResnet_quant.tflite
ad01_int8.tflite 87cf24194ef93d1d9b11a591d805526b98008e351655d29883c825c9c106ba24 $TINY/anomaly_detection/trained_models/ad01_int8.tflite
person_detect.tflite 808cfdfc0cf3a6fa6f6fa26bfa379ea97c16d5db7334637766e39c3408502e9d $MICRO/person_detect.tflite
"
fetch() {
  if command -v curl >/dev/null; then curl -fsSL --retry 3 -o "$2" "$1"; else wget -q -O "$2" "$1"; fi
}
echo "$MODELS" | while read -r name sum url; do
  [ -n "$name" ] || continue
  dest="$DIR/$name"
  if [ -f "$dest" ] && echo "$sum  $dest" | sha256sum -c --status; then
    echo "ok       $name"
    continue
  fi
  tmp="$dest.part"
  fetch "$url" "$tmp"
  if ! echo "$sum  $tmp" | sha256sum -c --status; then
    rm -f "$tmp"
    echo "fetch-models: checksum mismatch for $name from $url" >&2
    exit 1
  fi
  mv "$tmp" "$dest"
  echo "fetched  $name"
done
echo "models in $DIR (restart or 'systemctl reload tflited' to serve them)"
