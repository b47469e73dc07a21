"""Feed-forward style transfer from the store's ONNX networks: 26 built-in styles, and any picture as a style.

Both run in one pass (no optimisation). The 26-style network mixes its styles by a weight vector (conditional
instance normalisation); the arbitrary network first turns a painting into 100 numbers and then lets those numbers
set the normalisation statistics of its transformer, which is AdaIN's idea with a learned style encoder.
"""
from __future__ import annotations

import os
import threading

import numpy as np
from PIL import Image

from ..refusals import refused
from ..store import ModelUnavailable, fetch
from ..registry import get

NUM_STYLES = 26
PREDICT_SIDE = 256     # the style predictor's fixed input
TRANSFORM_SIDE = 384   # the arbitrary transformer's fixed input
MULTIPLE = 4           # the 26-style network downsamples by 4: sides are padded to a multiple of it

_sessions: dict[str, object] = {}
_lock = threading.Lock()


def providers() -> list[str]:
    import onnxruntime as ort

    available = ort.get_available_providers()
    return [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available]


def session(name: str):
    """One onnxruntime session per model per process (they are thread-safe for run())."""
    with _lock:
        if name not in _sessions:
            import onnxruntime as ort

            path = fetch(name)
            options = ort.SessionOptions()
            if os.environ.get("GAN_PLAYGROUND_ORT_THREADS"):
                options.intra_op_num_threads = int(os.environ["GAN_PLAYGROUND_ORT_THREADS"])
            try:
                _sessions[name] = ort.InferenceSession(str(path), options, providers=providers())
            except Exception as e:  # onnxruntime raises its own Fail/InvalidProtobuf types for a damaged file
                ck = get(name)
                raise ModelUnavailable(ck, f"onnxruntime could not open {path} ({type(e).__name__}).",
                                       f"delete {path} and run `python -m models fetch {name}`.") from e
        return _sessions[name]


def _to_float(photo: np.ndarray) -> np.ndarray:
    return photo.astype(np.float32) / 255.0


def _to_uint8(x: np.ndarray) -> np.ndarray:
    return (np.clip(x, 0, 1) * 255 + 0.5).astype(np.uint8)


def style_weights(weights: dict[int, float]) -> np.ndarray:
    """{style index: weight} → the network's 26-vector, normalised to sum 1. Raises ValueError on bad input."""
    w = np.zeros(NUM_STYLES, np.float32)
    for index, value in weights.items():
        if not 0 <= int(index) < NUM_STYLES:
            raise ValueError(f"style numbers go from 0 to {NUM_STYLES - 1}, not {index}")
        if not np.isfinite(value) or value < 0:
            raise ValueError("style weights must be numbers ≥ 0")
        w[int(index)] += value
    if w.sum() <= 0:
        raise refused("no_style_weight")
    return w / w.sum()


def stylise(photo: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 in any size → the same size, painted in the weighted mix of built-in styles."""
    h, w = photo.shape[:2]
    ph, pw = -h % MULTIPLE, -w % MULTIPLE
    x = np.pad(_to_float(photo), ((0, ph), (0, pw), (0, 0)), mode="reflect")
    out = session("multistyle26").run(None, {"image": x.transpose(2, 0, 1)[None],
                                             "style_weights": weights.astype(np.float32)})[0]
    return _to_uint8(out[0].transpose(1, 2, 0)[:h, :w])


def style_vector(picture: np.ndarray) -> np.ndarray:
    """A picture's style as 100 numbers: its centre square at 256 px through the Magenta style predictor."""
    h, w = picture.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    square = Image.fromarray(picture[top:top + side, left:left + side]).resize((PREDICT_SIDE,) * 2, Image.LANCZOS)
    out = session("arbitrary-predict").run(None, {"style_image": _to_float(np.asarray(square))[None]})[0]
    return out.reshape(-1)


def transform(photo: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Paint the photo with a style vector. The network is fixed at 384×384: the photo is fitted inside, the rest
    reflect-padded, and the result scaled back to the photo's size."""
    h, w = photo.shape[:2]
    scale = TRANSFORM_SIDE / max(h, w)
    sh, sw = max(1, round(h * scale)), max(1, round(w * scale))
    small = _to_float(np.asarray(Image.fromarray(photo).resize((sw, sh), Image.LANCZOS)))
    padded = np.pad(small, ((0, TRANSFORM_SIDE - sh), (0, TRANSFORM_SIDE - sw), (0, 0)), mode="reflect")
    net = session("arbitrary-transform")
    out = net.run(None, {net.get_inputs()[0].name: padded[None],
                         net.get_inputs()[1].name: vector.reshape(1, 1, 1, -1).astype(np.float32)})[0]
    result = _to_uint8(out[0, :sh, :sw])
    return np.asarray(Image.fromarray(result).resize((w, h), Image.BICUBIC)) if (sh, sw) != (h, w) else result


def mix(styled: np.ndarray, photo: np.ndarray, strength: float) -> np.ndarray:
    """strength·styled + (1 − strength)·photo; strength 0 gives the photo back unchanged."""
    if strength >= 1:
        return styled
    if strength <= 0:
        return photo.copy()
    return (strength * styled.astype(np.float32) + (1 - strength) * photo.astype(np.float32) + 0.5).astype(np.uint8)


_TO_YCBCR = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])


def to_ycbcr(rgb: np.ndarray) -> np.ndarray:
    """Full-range BT.601, as JPEG uses: Y in [0, 255], Cb and Cr centred on 128. Float, for exact round trips."""
    ycc = rgb.astype(np.float64) @ _TO_YCBCR.T
    ycc[..., 1:] += 128
    return ycc


def from_ycbcr(ycc: np.ndarray) -> np.ndarray:
    x = ycc.copy()
    x[..., 1:] -= 128
    return np.clip(x @ np.linalg.inv(_TO_YCBCR).T + 0.5, 0, 255).astype(np.uint8)


def keep_colours(styled: np.ndarray, photo: np.ndarray) -> np.ndarray:
    """Luminance transfer: brightness (Y) from the stylised picture, colour (Cb, Cr) from the photo."""
    y = to_ycbcr(styled)[..., :1]
    return from_ycbcr(np.concatenate([y, to_ycbcr(photo)[..., 1:]], axis=-1))
