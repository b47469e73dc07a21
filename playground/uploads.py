"""Uploaded pictures for the image tabs: read with models.imaging.inputs, refused or adjusted with a message."""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np

from models.imaging import inputs as image_input
from playground import i18n, limits, messages


def read_upload(path: str | None, what: str, max_side: int, quiet: bool = False,
                min_side: int = image_input.MIN_SIDE) -> np.ndarray:
    """An uploaded picture as RGB uint8, with a toast for anything that was changed on the way (unless quiet:
    thumbnails are scaled on purpose). A missing or unusable file is a gr.Error that says why. ``what``: the
    picture's name, a catalogue key (upload.what.*)."""
    name = i18n.say(what)
    if not path:
        raise messages.error(i18n.phrase("upload.missing", what=name))
    if not os.path.exists(path):  # removed unread from the bounded upload cache (upload_cache.py)
        raise messages.error(gone())
    try:
        picture, notes = image_input.read(path, max_side, min_side=min_side)
    except image_input.ImageRejected as e:
        raise messages.error(i18n.phrase("upload.refused", what=name, reason=i18n.because(e))) from None
    for note in notes if not quiet else ():
        messages.info(i18n.phrase("upload.note", what=name, note=i18n.because(note)))
    return picture


def gone() -> i18n.Phrase:
    """What a page is told when its upload is no longer on the server."""
    return i18n.phrase("upload.gone", minutes=f"{limits.UPLOAD_TTL_S / 60:.0f}")


def chosen_size(value: object, allowed: tuple[int, ...]) -> int:
    """A size picked in the UI, checked against the sizes offered (a crafted request can send anything)."""
    try:
        size = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        size = -1
    if size not in allowed:
        raise messages.error(i18n.phrase("upload.size", sizes=", ".join(map(str, allowed))))
    return size


def as_sent(image: gr.Image) -> gr.Image:
    """``image`` (an input) hands its handler the file as it was sent, for models.imaging.inputs to read.

    gr.Image decodes and converts an upload inside Gradio before a handler sees it: a 164 KB 13 000×13 000 PNG cost
    seconds and most of a GB there, a transparent PNG turned black and a 16-bit one white, and an unreadable file ended
    in a bare "Error". image_input checks the size from the header first and flattens alpha onto white. (The component's
    own preprocess is replaced rather than subclassed: Gradio writes a .pyi file beside the module of every component
    class it sees defined.)"""
    def preprocess(payload: Any) -> str | None:
        if payload is None:
            return None
        if payload.path is None and payload.url and payload.url.startswith("data:"):
            return _data_url_file(payload.url, image.GRADIO_CACHE)
        return payload.path
    image.preprocess = preprocess
    return image


def drawing_as_sent(pad: gr.Sketchpad, max_side: int) -> gr.Sketchpad:
    """``pad`` hands its handler {"composite": RGB uint8} read by models.imaging.inputs: the pad's picture comes from
    the browser, and a hostile client can send any file as it."""
    def preprocess(payload: Any) -> dict | None:
        if payload is None:
            return None
        composite = payload.composite
        if payload.id is not None:
            cached = pad.blob_storage.get(payload.id)
            composite = cached.composite if cached else None
        if composite is None:
            return {"composite": None}
        source = composite if isinstance(composite, bytes) else composite.path
        try:
            picture, _ = image_input.read(source, max_side)
        except image_input.ImageRejected as e:
            raise messages.error(i18n.phrase("upload.refused", what=i18n.say("upload.what.drawing"),
                                             reason=i18n.because(e))) from None
        return {"composite": picture}
    pad.preprocess = preprocess
    return pad


def _data_url_file(url: str, cache_dir: str) -> str:
    """A picture sent inline (data:…;base64,…) as a file, capped like an upload."""
    header, _, data = url.partition(",")
    if len(data) > 4 * limits.MAX_UPLOAD_MB * 1e6 / 3 + 4 or ";base64" not in header:
        raise messages.error(i18n.phrase("upload.inline_big"))
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise messages.error(i18n.phrase("upload.inline_bad")) from None
    path = Path(cache_dir) / "inline" / hashlib.sha256(raw).hexdigest()[:20]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return str(path)
