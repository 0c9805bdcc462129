#!/usr/bin/env bash
# Makes the small virtual environment some tests check Flint's files against (.venv-test/, ignored by git):
# - `tensorboard` reads the event files FlintIO's TensorBoardWriter writes (Tests/FlintIOTests/TensorBoardTests);
# - `onnx` and `onnxruntime` check and run the models FlintIO's ONNX exporter writes
#   (Tests/FlintIOTests/ONNXExportTests, scripts/check_onnx.py);
# - `tritonclient[http]` talks to `flint serve` (Tests/FlintServeTests/TritonClientTests through
#   scripts/check_tritonclient.py).
# Checks first and installs only what is missing. Never required: without network the install fails, this
# script says so and exits 0, and those tests are reported as disabled with the reason.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=.venv-test
# Python module name, then the pip package that provides it.
peers=("tensorboard tensorboard" "onnx onnx" "onnxruntime onnxruntime" "tritonclient.http tritonclient[http]" "numpy numpy")

missing=()
for peer in "${peers[@]}"; do
  module=${peer%% *}
  package=${peer##* }
  if ! [ -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import $module" >/dev/null 2>&1; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! [ -x "$venv/bin/python" ]; then
  echo "install-test-peers: creating $venv (once)"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    echo "install-test-peers: could not create $venv (python3 with venv missing); the TensorBoard, ONNX and tritonclient checks will be skipped"
    exit 0
  fi
fi
echo "install-test-peers: installing ${missing[*]} into $venv"
if ! "$venv/bin/pip" install -q --disable-pip-version-check "${missing[@]}"; then
  echo "install-test-peers: pip could not install ${missing[*]} (no network?); the checks that need them will be skipped"
  exit 0
fi
