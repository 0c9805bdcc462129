#!/usr/bin/env bash
# Makes the small virtual environment some tests check Flint's files and servers against (.venv-test/,
# ignored by git): `tensorboard` reads the event files FlintIO's TensorBoardWriter writes
# (Tests/FlintIOTests/TensorBoardTests); `tritonclient[http]` talks to `flint serve`
# (Tests/FlintServeTests/TritonClientTests through scripts/check_tritonclient.py).
# Never required: without network the install fails, this script says so and exits 0, and those tests are
# reported as disabled with the reason. Only what is missing is installed.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=.venv-test
missing=()
if [ -x "$venv/bin/python" ]; then
  "$venv/bin/python" -c "import tensorboard" >/dev/null 2>&1 || missing+=(tensorboard)
  "$venv/bin/python" -c "import tritonclient.http, numpy" >/dev/null 2>&1 || missing+=("tritonclient[http]" numpy)
  [ ${#missing[@]} -eq 0 ] && exit 0
else
  missing=(tensorboard "tritonclient[http]" numpy)
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    echo "install-test-peers: could not create $venv (python3 with venv missing); the TensorBoard and tritonclient checks will be skipped"
    exit 0
  fi
fi
echo "install-test-peers: installing ${missing[*]} into $venv (once)"
if ! "$venv/bin/pip" install -q --disable-pip-version-check "${missing[@]}"; then
  echo "install-test-peers: pip could not install ${missing[*]} (no network?); the tests that need them will be skipped"
  exit 0
fi
