"""Writes the small files FlintDataTests reads (NumPy .npy/.npz written by NumPy itself, IDX, gzip)
and a manifest of what each holds (Tests/FlintDataTests/Fixtures/numpy/expected.json).

    .venv/bin/python scripts/make_data_fixtures.py                 # (re)write the fixtures
    .venv/bin/python scripts/make_data_fixtures.py --check-flint DIR
        # load every .npy/.npz Flint wrote into DIR (FLINT_NUMPY_EXPORT_DIR=DIR swift test --filter NumPy)
        # with NumPy and compare it with the manifest; exit 1 on any difference

Only numpy is needed. The CSV and text fixtures are written by hand and live beside these.
"""
import argparse
import gzip
import io
import json
import pathlib
import struct
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fixture_common import encode_value  # noqa: E402

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FlintDataTests" / "Fixtures"
NUMPY_DIR = FIXTURES / "numpy"
IDX_DIR = FIXTURES / "idx"


def arrays():
    """The arrays of the .npy fixtures: name -> (array, how it is saved)."""
    rng = np.random.default_rng(7)
    return {
        "float32_2x3": (rng.standard_normal((2, 3)).astype("<f4"), {}),
        "float64_vector": (np.array([0.0, -1.5, 1e-300, 3.25e10, np.inf, -np.inf]), {}),
        "int32_matrix": (np.arange(-6, 6, dtype="<i4").reshape(3, 4), {}),
        "int64_3d": (np.arange(24, dtype="<i8").reshape(2, 3, 4) * 1_000_000_007, {}),
        "bool_mask": (np.array([[True, False, True], [False, False, True]]), {}),
        "uint8_pixels": (np.array([0, 1, 127, 128, 255], dtype="|u1"), {}),
        "int8_values": (np.array([-128, -1, 0, 1, 127], dtype="|i1"), {}),
        "float64_scalar": (np.array(2.5), {}),
        "float32_empty": (np.zeros((0, 3), dtype="<f4"), {}),
        "fortran_float64": (np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)), {}),
        "fortran_int32_3d": (np.asfortranarray(np.arange(24, dtype="<i4").reshape(2, 3, 4)), {}),
        "bigendian_int32": (np.arange(5, dtype=">i4") - 2, {}),
        "bigendian_float64": (np.array([1.5, -2.25, 1e100], dtype=">f8"), {}),
        "version2_float32": (np.arange(4, dtype="<f4"), {"version": (2, 0)}),
        "version3_int64": (np.arange(3, dtype="<i8"), {"version": (3, 0)}),
    }


def archives():
    """The .npz fixtures: name -> (dict of arrays, compressed?)."""
    members = {
        "features": np.arange(12, dtype="<f4").reshape(4, 3) / 4,
        "labels": np.array([0, 1, 1, 0], dtype="<i8"),
        "mask": np.array([True, False, True, True]),
    }
    return {"stored": (members, False), "compressed": (members, True)}


def describe(array):
    """A manifest entry: shape, Flint dtype name, values in C order."""
    names = {"f4": "float32", "f8": "float64", "i4": "int32", "i8": "int64", "b1": "bool", "u1": "uint8", "i1": "int8"}
    return {
        "shape": list(array.shape),
        "dtype": names[array.dtype.str[1:]],
        "values": [encode_value(v) for v in np.ascontiguousarray(array).reshape(-1).tolist()],
    }


def dump(document):
    """JSON with one entry per line (readable diffs)."""
    text = json.dumps(document, separators=(",", ":"))
    return text.replace('},"', '},\n"') + "\n"


def write_idx(path, array, type_code, compressed):
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    data = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    if compressed:
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)


def write_fixtures():
    NUMPY_DIR.mkdir(parents=True, exist_ok=True)
    IDX_DIR.mkdir(parents=True, exist_ok=True)
    manifest = {"arrays": {}, "archives": {}}
    for name, (array, options) in arrays().items():
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, array, version=options.get("version"), allow_pickle=False)
        (NUMPY_DIR / f"{name}.npy").write_bytes(buffer.getvalue())
        manifest["arrays"][name] = describe(array)
    for name, (members, compressed) in archives().items():
        (np.savez_compressed if compressed else np.savez)(NUMPY_DIR / f"{name}.npz", **members)
        manifest["archives"][name] = {key: describe(value) for key, value in members.items()}
    (NUMPY_DIR / "expected.json").write_text(dump(manifest))

    # IDX: MNIST-style labels and images, and one file per other type code.
    labels = np.array([5, 0, 4, 1, 9, 2], dtype=np.uint8)
    images = (np.arange(2 * 3 * 4) * 10 % 256).astype(np.uint8).reshape(2, 3, 4)
    idx = {
        "labels-idx1-ubyte": (labels, 0x08, False),
        "images-idx3-ubyte.gz": (images, 0x08, True),
        "int8-idx1": (np.array([-3, 0, 7], dtype=np.int8), 0x09, False),
        "int16-idx2": (np.array([[-300, 2], [3, 30000]], dtype=np.int16), 0x0B, False),
        "int32-idx1": (np.array([-70000, 1, 2**31 - 1], dtype=np.int32), 0x0C, False),
        "float32-idx2": (np.array([[0.5, -1.25, 3.0]], dtype=np.float32), 0x0D, False),
        "float64-idx1.gz": (np.array([1e-10, -2.5], dtype=np.float64), 0x0E, True),
    }
    idx_manifest = {}
    for name, (array, code, compressed) in idx.items():
        write_idx(IDX_DIR / name, array, code, compressed)
        # Flint widens IDX int16 to int32.
        idx_manifest[name] = describe(array.astype("<i4") if array.dtype == np.int16 else array)
    (IDX_DIR / "expected.json").write_text(dump(idx_manifest))

    # Gzip: one member, two members in a row, and a truncated copy.
    text = b"line one\nline two\n"
    (FIXTURES / "gzip").mkdir(exist_ok=True)
    (FIXTURES / "gzip" / "text.txt.gz").write_bytes(gzip.compress(text, mtime=0))
    (FIXTURES / "gzip" / "two-members.txt.gz").write_bytes(gzip.compress(b"first\n", mtime=0) + gzip.compress(b"second\n", mtime=0))
    print(f"wrote {len(manifest['arrays'])} .npy, {len(manifest['archives'])} .npz, {len(idx)} IDX and 2 gzip fixtures under {FIXTURES}")


def check_flint(directory):
    """Loads what Flint wrote and compares it with the manifest; returns the number of failures."""
    manifest = json.loads((NUMPY_DIR / "expected.json").read_text())
    directory = pathlib.Path(directory)
    failures = 0
    checked = 0

    def compare(label, array, expected):
        nonlocal failures
        got = describe(array)
        if got != expected:
            failures += 1
            print(f"MISMATCH {label}: numpy read {got['dtype']} {got['shape']}, expected {expected['dtype']} {expected['shape']}")

    for name, expected in manifest["arrays"].items():
        path = directory / f"{name}.npy"
        if not path.exists():
            failures += 1
            print(f"MISSING {path}")
            continue
        array = np.load(path, allow_pickle=False)
        compare(path.name, array, expected)
        checked += 1
    for name, members in manifest["archives"].items():
        path = directory / f"{name}.npz"
        if not path.exists():
            failures += 1
            print(f"MISSING {path}")
            continue
        with np.load(path, allow_pickle=False) as archive:
            if sorted(archive.files) != sorted(members):
                failures += 1
                print(f"MISMATCH {path.name}: members {sorted(archive.files)}, expected {sorted(members)}")
            for key, expected in members.items():
                compare(f"{path.name}[{key}]", archive[key], expected)
        checked += 1
    print(f"checked {checked} Flint-written files in {directory}: {failures} failures")
    return failures


def main():
    parser = argparse.ArgumentParser(description="Write FlintData's NumPy/IDX/gzip fixtures, or check Flint-written NumPy files.")
    parser.add_argument("--check-flint", metavar="DIR", help="load the .npy/.npz files Flint wrote into DIR and compare")
    arguments = parser.parse_args()
    if arguments.check_flint:
        return 1 if check_flint(arguments.check_flint) else 0
    write_fixtures()
    return 0


if __name__ == "__main__":
    sys.exit(main())
