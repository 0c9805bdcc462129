#!/usr/bin/env bash
# The accuracy floors of issue 4 that need a release build to train in reasonable time, checked with
# the `flint` command a user runs (`make test` calls this after the Swift tests):
#   - the cnn recipe on bundled digits:   test accuracy >= 98%
#   - the cnn recipe on bundled MNIST 5k: test accuracy >= 96%
# Seeded, so the figures repeat; each run trains into a temporary folder that is removed afterwards.
# Usage: scripts/check-accuracy.sh [path/to/flint]
set -euo pipefail
flint=${1:-.build/release/flint}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

check() {
  local name=$1 floor=$2; shift 2
  local line accuracy
  line=$("$flint" train "$@" --out "$work/$name" --json --seed 0)
  accuracy=$(printf '%s' "$line" | sed -E 's/.*"test":\{[^}]*"accuracy":([0-9.eE+-]+).*/\1/')
  if awk -v a="$accuracy" -v f="$floor" 'BEGIN { exit !(a >= f) }'; then
    echo "check-accuracy: $name test accuracy $accuracy >= $floor"
  else
    echo "check-accuracy: $name test accuracy $accuracy is below the floor $floor" >&2
    failed=1
  fi
}

check digits-cnn 0.98 --recipe cnn --dataset digits --epochs 8
check mnist-5k-cnn 0.96 --recipe cnn --dataset mnist-5k --epochs 6
exit $failed
