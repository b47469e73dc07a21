"""The fonts pictures draw their text with: Pillow's own for English, and for Korean a Hangul subset of Noto Sans
KR shipped with the app (static/fonts, made by tools/hangul_font.py): Pillow's font has no Hangul and would draw
boxes, and a picture's Korean must not depend on a download."""
from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont

HANGUL = Path(__file__).parents[1] / "static" / "fonts" / "NotoSansKR-pictures.otf"


def font_for(size: int, lang: str, texts: "list[str] | tuple[str, ...]") -> ImageFont.ImageFont:
    """``font`` for ``lang``, or the Hangul font for any language when the texts hold letters beyond Latin (Pillow's
    font draws ψ as a box)."""
    beyond = any(ord(c) > 0x24F for text in texts for c in text)
    return font(size, "ko" if beyond else lang)


@functools.lru_cache(maxsize=32)
def font(size: int, lang: str = "en") -> ImageFont.ImageFont:
    """A font of ``size`` px for text in ``lang``."""
    if lang == "ko":
        return ImageFont.truetype(str(HANGUL), size)
    return ImageFont.load_default(size=size)
