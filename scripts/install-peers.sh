#!/usr/bin/env bash
# Makes the virtual environment the bench suite measures PyTorch from (.venv/, ignored by git).
# Needed only for `flint bench` and for regenerating test fixtures; never for building or testing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ] && .venv/bin/python -c "import torch" >/dev/null 2>&1; then
  exit 0
fi
echo "install-peers: creating .venv with PyTorch (a large download, once)"
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q torch numpy
