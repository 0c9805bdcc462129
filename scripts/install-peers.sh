#!/usr/bin/env bash
# Makes the virtual environment the bench suite measures PyTorch and scikit-learn from (.venv/, ignored by git).
# Needed only for `flint bench` and for regenerating test fixtures; never for building or testing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ] && .venv/bin/python -c "import torch, sklearn" >/dev/null 2>&1; then
  exit 0
fi
echo "install-peers: making .venv with PyTorch and scikit-learn (a large download, once)"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q torch numpy scikit-learn
