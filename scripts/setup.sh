#!/usr/bin/env bash
# Installs what Flint needs on a Debian machine, only what is missing:
#   - libopenblas-dev (OpenBLAS: fast matrix products and LAPACK), with apt-get;
#   - zlib1g-dev (zlib: gzip datasets, NPZ archives, PNG plots).
# Swift itself is expected at /opt/swift or on PATH (https://www.swift.org/install/linux/).
set -euo pipefail

missing=()
dpkg -s libopenblas-dev >/dev/null 2>&1 || missing+=(libopenblas-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get"
  if [ "$(id -u)" -eq 0 ]; then sudo_cmd=""; elif command -v sudo >/dev/null; then sudo_cmd="sudo"; else
    echo "setup: need root to install ${missing[*]}; run: apt-get install ${missing[*]}" >&2; exit 1
  fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "setup: installed ${missing[*]}"
fi

if ! command -v swift >/dev/null 2>&1 && [ ! -x /opt/swift/usr/bin/swift ]; then
  echo "setup: Swift 6 is not installed; get it from https://www.swift.org/install/linux/" >&2
  exit 1
fi
