#!/usr/bin/env python3
"""Reads TensorBoard event files with TensorBoard's own reader and prints what it found, as JSON.

    scripts/check_tensorboard.py FILE_OR_DIR                 # print {"scalars": ..., "images": ...}
    scripts/check_tensorboard.py FILE_OR_DIR --expect E.json # also compare; exit 1 on any difference

The reader is `tensorboard.backend.event_processing.event_accumulator.EventAccumulator`, the one
`tensorboard --logdir` uses, so a file it reads here is a file TensorBoard shows. Install it with
scripts/install-test-peers.sh (.venv-test). Output:

    {"file_version": 2.0,
     "scalars": {"loss": [[step, value], ...], ...},
     "images": {"curves": [[step, width, height, png_byte_count], ...], ...}}

The expectation file has the same "scalars" shape (and optionally "images"); values compare with a
relative tolerance of 1e-6 (TensorBoard stores scalars as 32-bit floats).
"""
import argparse
import json
import math
import sys

from tensorboard.backend.event_processing import event_accumulator


def read(path):
    accumulator = event_accumulator.EventAccumulator(
        path,
        size_guidance={event_accumulator.SCALARS: 0, event_accumulator.IMAGES: 0},
    )
    accumulator.Reload()
    tags = accumulator.Tags()
    scalars = {
        tag: [[event.step, event.value] for event in accumulator.Scalars(tag)]
        for tag in tags.get("scalars", [])
    }
    images = {
        tag: [[event.step, event.width, event.height, len(event.encoded_image_string)]
              for event in accumulator.Images(tag)]
        for tag in tags.get("images", [])
    }
    return {"file_version": accumulator.file_version, "scalars": scalars, "images": images}


def close(a, b):
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


def compare(found, expected):
    problems = []
    for kind in ("scalars", "images"):
        if kind not in expected:
            continue
        want, got = expected[kind], found[kind]
        if sorted(want) != sorted(got):
            problems.append(f"{kind}: tags {sorted(got)}, expected {sorted(want)}")
            continue
        for tag in want:
            if len(want[tag]) != len(got[tag]):
                problems.append(f"{kind} '{tag}': {len(got[tag])} events, expected {len(want[tag])}")
                continue
            for index, (w, g) in enumerate(zip(want[tag], got[tag])):
                if len(w) != len(g) or not all(close(float(x), float(y)) for x, y in zip(g, w)):
                    problems.append(f"{kind} '{tag}' event {index}: {g}, expected {w}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="an event file or a log folder")
    parser.add_argument("--expect", help="a JSON file of expected scalars/images to compare against")
    arguments = parser.parse_args()
    found = read(arguments.path)
    print(json.dumps(found, sort_keys=True))
    # The accumulator keeps the number after "brain.Event:" of the first record's file_version.
    if found["file_version"] != 2.0:
        print(f"check_tensorboard: file version {found['file_version']!r}, expected 2.0 (\"brain.Event:2\")", file=sys.stderr)
        return 1
    if arguments.expect:
        with open(arguments.expect) as handle:
            problems = compare(found, json.load(handle))
        for problem in problems:
            print(f"check_tensorboard: {problem}", file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
