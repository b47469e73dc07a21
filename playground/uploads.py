"""Uploaded pictures for the image tabs: read with models.image_input, refused or adjusted with a message."""
from __future__ import annotations

import numpy as np

from models import image_input
from playground import messages


def read_upload(path: str | None, what: str, max_side: int, quiet: bool = False) -> np.ndarray:
    """An uploaded picture as RGB uint8, with a toast for anything that was changed on the way (unless quiet:
    thumbnails are scaled on purpose). A missing or unusable file is a gr.Error that says why."""
    if not path:
        raise messages.error(f"Add a {what} first (upload one or click an example).")
    try:
        picture, notes = image_input.read(path, max_side)
    except image_input.ImageRejected as e:
        raise messages.error(f"The {what} was not used: {e}.") from None
    for note in notes if not quiet else ():
        messages.info(f"{what.capitalize()}: {note}.")
    return picture


def chosen_size(value: object, allowed: tuple[int, ...]) -> int:
    """A size picked in the UI, checked against the sizes offered (a crafted request can send anything)."""
    try:
        size = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        size = -1
    if size not in allowed:
        raise messages.error(f"Size must be one of {', '.join(map(str, allowed))} pixels.")
    return size
