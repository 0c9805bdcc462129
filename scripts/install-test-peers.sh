#!/usr/bin/env bash
# Makes the small virtual environment some tests check Flint's files against (.venv-test/, ignored by git):
# `tensorboard` reads the event files FlintIO's TensorBoardWriter writes (Tests/FlintIOTests/TensorBoardTests).
# Never required: without network the install fails, this script says so and exits 0, and those tests are
# reported as disabled with the reason.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=.venv-test
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import tensorboard" >/dev/null 2>&1; then
  exit 0
fi
echo "install-test-peers: creating $venv with tensorboard (once)"
if ! python3 -m venv "$venv" >/dev/null 2>&1; then
  echo "install-test-peers: could not create $venv (python3 with venv missing); the TensorBoard reader check will be skipped"
  exit 0
fi
if ! "$venv/bin/pip" install -q --disable-pip-version-check tensorboard; then
  echo "install-test-peers: pip could not install tensorboard (no network?); the TensorBoard reader check will be skipped"
  exit 0
fi
