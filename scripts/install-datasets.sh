#!/usr/bin/env bash
# Installs the datasets Flint reads from the system, only what is missing:
#   - dataset-fashion-mnist (Fashion-MNIST, MIT, 31 MB) into /usr/share/datasets/fashion-mnist/, with apt-get.
# The small datasets (iris, wine, breast cancer, digits, diabetes, MNIST 5k) ship inside FlintData.
set -euo pipefail

missing=()
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || missing+=(dataset-fashion-mnist)

if [ ${#missing[@]} -eq 0 ]; then
  echo "datasets: fashion-mnist is installed in /usr/share/datasets/fashion-mnist"
  exit 0
fi
echo "datasets: installing ${missing[*]} with apt-get"
if [ "$(id -u)" -eq 0 ]; then sudo_cmd=""; elif command -v sudo >/dev/null; then sudo_cmd="sudo"; else
  echo "datasets: need root to install ${missing[*]}; run: apt-get install ${missing[*]}" >&2; exit 1
fi
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
echo "datasets: installed ${missing[*]} (/usr/share/datasets/fashion-mnist)"
