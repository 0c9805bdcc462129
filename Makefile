# Flint's entry points. `make demo` and `make test` work on a fresh Debian machine with Swift:
# each installs what is missing first (scripts/setup.sh).
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
# Release builds use the host's full instruction set (AVX2/AVX-512); never set in Package.swift.
RELEASE_FLAGS = -c release -Xcc -march=native -Xcc -fno-math-errno

.PHONY: setup build demo demo-fashion test example bench bench-peers compare-learn fixtures datasets clean

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build $(RELEASE_FLAGS)

## The main job: build in release, train the CNN recipe on the bundled digits, evaluate it, save it.
demo: setup
	$(SWIFT) build $(RELEASE_FLAGS) --product flint
	@.build/release/flint info
	.build/release/flint train --recipe cnn --dataset digits --epochs 8 --out runs/digits-cnn --overwrite
	.build/release/flint eval --run runs/digits-cnn --dataset digits

## The CNN recipe on Fashion-MNIST (60,000 training images; installs the Debian package first).
demo-fashion: setup datasets
	$(SWIFT) build $(RELEASE_FLAGS) --product flint
	.build/release/flint train --recipe cnn --dataset fashion-mnist --channels 16 32 --epochs 10 --optimizer adamw \
		--schedule one-cycle --lr 0.003 --batch-size 128 --out runs/fashion-cnn --overwrite

## The whole test suite (with TensorBoard's reader in .venv-test when pip can install it).
test: setup
	@scripts/install-test-peers.sh
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(SWIFT) build $(RELEASE_FLAGS) --product flint
	scripts/check-accuracy.sh .build/release/flint

## The README's first example: one sigmoid neuron, by hand and with autograd.
example: setup
	$(SWIFT) run $(RELEASE_FLAGS) SigmoidNeuron

## Flint against PyTorch and scikit-learn, side by side (installs them into .venv on first use).
bench: setup bench-peers
	$(SWIFT) build $(RELEASE_FLAGS) --product flint
	.build/release/flint bench core --json
	.build/release/flint bench nn --json
	.build/release/flint bench data --json
	.build/release/flint bench learn --json

## FlintLearn's cross-validated scores against scikit-learn's, estimator by estimator (a Markdown table).
compare-learn: setup bench-peers
	$(SWIFT) build $(RELEASE_FLAGS) --product flint
	.venv/bin/python scripts/compare_learn_scores.py --flint .build/release/flint

bench-peers:
	@scripts/install-peers.sh

## Regenerate every fixture the tests read, from PyTorch, NumPy and scikit-learn (in .venv).
fixtures: bench-peers
	for script in scripts/make_*fixtures*.py; do .venv/bin/python $$script || exit 1; done

## Fashion-MNIST (Debian package dataset-fashion-mnist, 31 MB) for `flint train --dataset fashion-mnist`.
datasets: setup
	@scripts/install-datasets.sh

clean:
	rm -rf .build
