"""idealo's RRDN-GAN ×4 from UpscalerJS's TensorFlow.js copy (npm ``@upscalerjs/models``, ``models/idealo/gans/``) to
this repo's ``nets.RRDN``, without TensorFlow.

The TF.js files: ``model.json`` (a Keras functional graph and a weights manifest) and one shard of uint8-quantised
tensors, each dequantised as TF.js does (``q·scale + min``, per tensor). What changes on the way: names (Keras layer →
our module), kernel layout (HWIO → OIHW), and the channel order in front of the ×4 shuffle — TF's ``depth_to_space``
reads channel ``(i·4 + j)·3 + c`` where ``torch.pixel_shuffle`` reads ``c·16 + i·4 + j``. The quantised bytes are kept
as they are (4.2 MB, the published precision); ``weights`` dequantises them at load.
"""
from __future__ import annotations

import json
import tarfile
from pathlib import Path

import numpy as np
import torch

from .nets import RRDN, SCALE, RRDNConfig

FOLDER = "package/models/idealo/gans"


def keras_names(config: RRDNConfig = RRDNConfig()) -> dict[str, str]:
    """Our conv module → the Keras layer that holds its weights."""
    names = {"head": "Pre_blocks_conv", "body_out": "post_blocks_conv", "to_subpixels": "PreShuffle", "tail": "SR"}
    for t in range(config.rrdbs):
        for d in range(config.blocks):
            ours = f"body.{t}.blocks.{d}"
            names[f"{ours}.fuse"] = f"LFF_{t + 1}_{d + 1}"
            for c in range(config.layers):
                names[f"{ours}.grow.{c}"] = f"F_{t + 1}_{d + 1}_{c + 1}"
    return names


def depth_to_space_order(channels: int = 3, scale: int = SCALE) -> np.ndarray:
    """For each of torch's pre-shuffle channels ``c·s² + i·s + j``, the TF channel ``(i·s + j)·C + c`` that holds it."""
    c, ij = np.divmod(np.arange(channels * scale * scale), scale * scale)
    return ij * channels + c


def quantised(model_json: dict, shard: bytes) -> dict[str, tuple[np.ndarray, float, float]]:
    """Each Keras weight by name: its uint8 array (Keras layout), the quantisation's min and scale."""
    out, offset = {}, 0
    for group in model_json["weightsManifest"]:
        for w in group["weights"]:
            q = w["quantization"]
            if q["dtype"] != "uint8":
                raise ValueError(f"{w['name']}: expected uint8 quantisation, found {q['dtype']}")
            n = int(np.prod(w["shape"]))
            out[w["name"]] = (np.frombuffer(shard, np.uint8, n, offset).reshape(w["shape"]), q["min"], q["scale"])
            offset += n
    if offset != len(shard):
        raise ValueError(f"the manifest covers {offset} of the shard's {len(shard)} bytes")
    return out


def to_ours(keras: dict[str, tuple[np.ndarray, float, float]]) -> dict[str, np.ndarray]:
    """The arrays the committed file holds: per parameter of nets.RRDN, ``NAME.q`` (uint8, torch layout) and
    ``NAME.minscale`` (float64: min, scale)."""
    order = depth_to_space_order()
    arrays = {}
    for ours, theirs in keras_names().items():
        kernel, k_min, k_scale = keras[f"{theirs}/kernel"]
        bias, b_min, b_scale = keras[f"{theirs}/bias"]
        kernel = kernel.transpose(3, 2, 0, 1)  # HWIO → OIHW
        if ours == "to_subpixels":
            kernel, bias = kernel[order], bias[order]
        arrays[f"{ours}.weight.q"] = np.ascontiguousarray(kernel)
        arrays[f"{ours}.weight.minscale"] = np.array([k_min, k_scale])
        arrays[f"{ours}.bias.q"] = np.ascontiguousarray(bias)
        arrays[f"{ours}.bias.minscale"] = np.array([b_min, b_scale])
    if len(arrays) != 4 * len(keras) // 2:
        raise ValueError("some published weights have no place in nets.RRDN")
    return arrays


def from_tarball(tarball: Path) -> dict[str, np.ndarray]:
    with tarfile.open(tarball, "r:gz") as tar:
        model_json = json.load(tar.extractfile(f"{FOLDER}/model.json"))
        (shard_name,) = model_json["weightsManifest"][0]["paths"]
        shard = tar.extractfile(f"{FOLDER}/{shard_name}").read()
    return to_ours(quantised(model_json, shard))


def weights(arrays: dict[str, np.ndarray]) -> dict[str, torch.Tensor]:
    """A state dict for nets.RRDN: dequantised in double as TF.js does, stored as float32."""
    state = {}
    for key, q in arrays.items():
        if key.endswith(".q"):
            name = key[:-2]
            low, scale = arrays[f"{name}.minscale"]
            state[name] = torch.from_numpy((q.astype(np.float64) * scale + low).astype(np.float32))
    return state


def build(arrays: dict[str, np.ndarray]) -> RRDN:
    net = RRDN()
    net.load_state_dict(weights(arrays))
    return net.eval().requires_grad_(False)
