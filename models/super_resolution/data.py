"""The photos super-resolution learns from and is judged on, and how a low-resolution input is made from them.

Everything ships with packages we already depend on, so training needs no download: scikit-image's sample photos
and textures, and scikit-learn's two sample photos. Three photos are held out and never seen by training: the
astronaut and the coffee cup (also the tab's examples) and scikit-learn's flower. The motorcycle's right view is
left out of both sets: it is nearly the left one.

Degradation (the paper's): the high-resolution picture cropped to a multiple of 4, then bicubic ×¼ (Pillow's,
antialiased). ``blur`` adds a Gaussian blur before, for a harder variant.
"""
from __future__ import annotations

import functools

import numpy as np
from PIL import Image, ImageFilter

SCALE = 4
TRAIN = ("chelsea", "rocket", "hubble_deep_field", "immunohistochemistry", "retina", "colorwheel", "brick", "camera",
         "grass", "gravel", "moon", "coins", "cell", "page", "text", "sklearn:china.jpg")
HELD_OUT = ("astronaut", "coffee", "sklearn:flower.jpg")


def photo(name: str) -> np.ndarray:
    """(H, W, 3) uint8: a scikit-image sample by name, or ``sklearn:<file>`` from scikit-learn's sample images."""
    return _photo(name).copy()


@functools.cache
def _photo(name: str) -> np.ndarray:
    if name.startswith("sklearn:"):
        from sklearn.datasets import load_sample_image

        a = load_sample_image(name.split(":", 1)[1])
    else:
        from skimage import data

        a = getattr(data, name)()
    a = np.asarray(a)
    if a.dtype == bool:
        a = a.astype(np.uint8) * 255
    if a.ndim == 2:
        a = np.stack([a] * 3, -1)
    return np.ascontiguousarray(a[..., :3].astype(np.uint8))


def crop_to_scale(picture: np.ndarray) -> np.ndarray:
    h, w = picture.shape[:2]
    return picture[: h - h % SCALE, : w - w % SCALE]


def downscale(picture: np.ndarray, blur: float = 0.0) -> np.ndarray:
    """The low-resolution input: bicubic ×¼ of ``picture`` (its sides a multiple of 4), optionally blurred first."""
    im = Image.fromarray(picture)
    if blur > 0:
        im = im.filter(ImageFilter.GaussianBlur(blur))
    h, w = picture.shape[:2]
    return np.asarray(im.resize((w // SCALE, h // SCALE), Image.BICUBIC))


def bicubic(picture: np.ndarray, scale: int = SCALE) -> np.ndarray:
    """The baseline: Pillow's bicubic ×``scale``."""
    h, w = picture.shape[:2]
    return np.asarray(Image.fromarray(picture).resize((w * scale, h * scale), Image.BICUBIC))


def nearest(picture: np.ndarray, scale: int = SCALE) -> np.ndarray:
    """Enlarged with its pixels visible, to show what the net gets."""
    return picture.repeat(scale, 0).repeat(scale, 1)


class Patches:
    """Random high-resolution patches of the training photos, flipped and rotated by quarter turns, with their
    low-resolution inputs, as float tensors in [0, 1]."""

    def __init__(self, names: tuple[str, ...] = TRAIN, seed: int = 0, blur: float = 0.0):
        self.pictures = [crop_to_scale(photo(n)) for n in names]
        weights = np.array([p.shape[0] * p.shape[1] for p in self.pictures], dtype=float)
        self.weights = weights / weights.sum()  # big photos give more patches
        self.rng = np.random.default_rng(seed)
        self.blur = blur

    def batch(self, n: int, size: int = 96):
        import torch

        hr = np.empty((n, size, size, 3), np.uint8)
        for i, k in enumerate(self.rng.choice(len(self.pictures), n, p=self.weights)):
            p = self.pictures[k]
            y, x = (int(self.rng.integers(0, p.shape[j] - size + 1)) for j in (0, 1))
            patch = np.rot90(p[y:y + size, x:x + size], int(self.rng.integers(4)))
            hr[i] = patch[:, ::-1] if self.rng.random() < 0.5 else patch
        lr = np.stack([downscale(h, self.blur) for h in hr])

        def tensor(a: np.ndarray) -> torch.Tensor:
            return torch.from_numpy(np.ascontiguousarray(a)).permute(0, 3, 1, 2).float() / 255
        return tensor(lr), tensor(hr)
