#!/usr/bin/env python3
"""Checks an ONNX file Flint exported against the outputs Flint computed.

Usage: check_onnx.py MODEL.onnx CASES.json [--tolerance 1e-4]

CASES.json: {"cases": [{"input": {"shape": [...], "dtype": "float32", "data": [...]},
                        "output": {"shape": [...], "dtype": "float32", "data": [...]}}, ...]}
(the data flattened row-major). The cases should use different batch sizes: the graph's input and output
must keep their batch dimension dynamic.

Runs onnx.checker.check_model(full_check=True), checks the first input and output dimensions are
symbolic, runs onnxruntime on every case and compares with Flint's output (max |difference| <= tolerance).
Prints one line per case; exits 1 with the reason on any failure. Needs `onnx` and `onnxruntime`
(scripts/install-test-peers.sh puts them in .venv-test).
"""
import argparse
import json
import sys

import numpy as np
import onnx
import onnxruntime


def array(entry):
    return np.asarray(entry["data"], dtype=entry["dtype"]).reshape(entry["shape"])


def fail(message):
    print(f"check_onnx: FAIL: {message}")
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("cases")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    arguments = parser.parse_args()

    model = onnx.load(arguments.model)
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as error:  # the checker raises several types
        fail(f"onnx.checker.check_model(full_check=True) rejected {arguments.model}: {error}")
    opset = max(entry.version for entry in model.opset_import if entry.domain in ("", "ai.onnx"))
    if opset < 17:
        fail(f"opset {opset} is older than 17")
    for value in list(model.graph.input) + list(model.graph.output):
        first = value.type.tensor_type.shape.dim[0]
        if not first.dim_param:
            fail(f"'{value.name}' has a fixed first dimension ({first.dim_value}), not a dynamic batch")

    with open(arguments.cases) as file:
        cases = json.load(file)["cases"]
    session = onnxruntime.InferenceSession(arguments.model, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    for index, case in enumerate(cases):
        inputs = array(case["input"])
        expected = array(case["output"])
        (actual,) = session.run(None, {input_name: inputs})
        if actual.shape != expected.shape:
            fail(f"case {index} (batch {inputs.shape[0]}): onnxruntime output shape {actual.shape}, Flint's {expected.shape}")
        difference = float(np.max(np.abs(actual.astype(np.float64) - expected.astype(np.float64)))) if actual.size else 0.0
        print(f"check_onnx: case {index}: input {list(inputs.shape)} output {list(actual.shape)} "
              f"max |onnxruntime - flint| = {difference:.3g}")
        if not difference <= arguments.tolerance:
            fail(f"case {index}: outputs differ by {difference:.3g} > {arguments.tolerance}")
    print(f"check_onnx: OK: {arguments.model} passes check_model(full_check=True) and matches Flint on {len(cases)} cases")


if __name__ == "__main__":
    main()
