"""What every PyTorch fixture generator shares: how a tensor is written to JSON and the command line
(`--check` to verify the committed file is current, `--list` to print the case names).

Imported by scripts/make_*_fixtures.py (run them from anywhere: the scripts folder is on sys.path).
"""
import argparse
import json
import math
import sys


def encode_value(value):
    """A JSON-safe number; booleans become 0/1, NaN and infinities the strings "nan", "inf", "-inf"."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def encode(tensor):
    """A tensor as the Swift tests read it: {"shape": [...], "dtype": "float64", "values": [...]}."""
    tensor = tensor.detach()
    return {
        "shape": list(tensor.shape),
        "dtype": str(tensor.dtype).replace("torch.", ""),
        "values": [encode_value(v) for v in tensor.reshape(-1).tolist()],
    }


def fixture_main(description, output, build, case_names):
    """Writes `build()` to `output` as JSON with one case per line; `--check` exits 1 when the
    committed file differs, `--list` prints the case names."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed file differs")
    parser.add_argument("--list", action="store_true", help="print the case names and exit")
    arguments = parser.parse_args()
    if arguments.list:
        print("\n".join(case_names))
        return 0
    document = build()
    text = json.dumps(document, separators=(",", ":")) + "\n"
    # One case per line keeps diffs readable.
    text = text.replace(',{"name":', ',\n{"name":')
    if arguments.check:
        current = output.read_text() if output.exists() else ""
        if current != text:
            print(f"{output} is stale; rerun the script", file=sys.stderr)
            return 1
        return 0
    output.write_text(text)
    print(f"wrote {len(document['cases'])} cases, {len(text) / 1024:.0f} KiB, to {output}")
    return 0
