"""Talks to a running `flint serve` with NVIDIA's tritonclient[http], as a real client would.

Usage: check_tritonclient.py URL MODEL ROWS_JSON
  URL        host:port of the server (e.g. 127.0.0.1:8000)
  MODEL      the model name
  ROWS_JSON  a JSON file holding {"shape": [...], "data": [...flat FP32 values...]}

Prints one JSON object: live, ready, the metadata's input/output names, and the outputs of infer
(class_index and probabilities). Exits non-zero with the error when any call fails.
"""
import json
import sys

import numpy as np
import tritonclient.http as httpclient


def main() -> int:
    url, model, rows_path = sys.argv[1:4]
    with open(rows_path) as handle:
        rows = json.load(handle)
    client = httpclient.InferenceServerClient(url=url)
    live = client.is_server_live()
    ready = client.is_model_ready(model)
    metadata = client.get_model_metadata(model)
    array = np.asarray(rows["data"], dtype=np.float32).reshape(rows["shape"])
    infer_input = httpclient.InferInput("input", list(array.shape), "FP32")
    infer_input.set_data_from_numpy(array, binary_data=False)
    outputs = [httpclient.InferRequestedOutput(name, binary_data=False) for name in ("class_index", "probabilities")]
    result = client.infer(model, inputs=[infer_input], outputs=outputs, request_id="tritonclient-1")
    print(json.dumps({
        "live": live,
        "ready": ready,
        "inputs": [(tensor["name"], tensor["datatype"], tensor["shape"]) for tensor in metadata["inputs"]],
        "outputs": [tensor["name"] for tensor in metadata["outputs"]],
        "id": result.get_response().get("id"),
        "class_index": result.as_numpy("class_index").tolist(),
        "probabilities": result.as_numpy("probabilities").tolist(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
