"""The fonts pictures draw their text with: Pillow's own for English (no download), Noto Sans KR for Korean (a
pinned, sha256-checked file from the model store: Pillow's font has no Hangul and would draw boxes)."""
from __future__ import annotations

import functools
import logging

from PIL import ImageFont

from models import store

log = logging.getLogger(__name__)
HANGUL = "font-kr"


def font_for(size: int, lang: str, texts: "list[str] | tuple[str, ...]") -> ImageFont.ImageFont:
    """``font`` for ``lang``, or Noto Sans KR for any language when the texts hold letters beyond Latin (Pillow's
    font draws ψ as a box)."""
    beyond = any(ord(c) > 0x24F for text in texts for c in text)
    return font(size, "ko" if beyond else lang)


@functools.lru_cache(maxsize=32)
def font(size: int, lang: str = "en") -> ImageFont.ImageFont:
    """A font of ``size`` px for text in ``lang``. Korean without its font (offline, say) falls back to Pillow's,
    with a warning in the log: the picture still comes, its Hangul as boxes."""
    if lang == "ko":
        try:
            return ImageFont.truetype(str(store.fetch(HANGUL)), size)
        except (store.ModelUnavailable, OSError) as e:
            log.warning("Korean text in pictures needs %s: %s", HANGUL, e)
    return ImageFont.load_default(size=size)
