"""Makes the Hangul font the pictures draw Korean with: a subset of Noto Sans KR Regular (OFL-1.1) holding the 2 350
Hangul syllables of KS X 1001 (the set Korean keyboards and school texts use), the compatibility jamo, Latin-1,
Greek and every character of the Korean catalogue. Shipped with the app so that no picture's Korean depends on a
download; rerun after the catalogue gains a character the font lacks (tests/test_i18n.py says which):

    python -m tools.hangul_font

The source is the model store's `font-kr` (package pylopdf-fonts-ko 0.1.1, sha256-checked); fontTools (pinned in
requirements-dev.txt) writes the same bytes for the same input.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "playground" / "static" / "fonts" / "NotoSansKR-pictures.otf"
CATALOGUE = ROOT / "playground" / "locales" / "ko.json"


def ks_x_1001_syllables() -> set[str]:
    """The 2 350 syllables of KS X 1001: EUC-KR rows 0xB0–0xC8."""
    out = set()
    for lead in range(0xB0, 0xC9):
        for trail in range(0xA1, 0xFF):
            try:
                out.add(bytes([lead, trail]).decode("euc_kr"))
            except UnicodeDecodeError:
                pass
    return out


def characters() -> str:
    chars = ks_x_1001_syllables()
    chars |= {chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x370, 0x400), *range(0x3131, 0x318F))}

    def walk(value: object) -> None:
        if isinstance(value, str):
            chars.update(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(json.loads(CATALOGUE.read_text(encoding="utf-8")))
    return "".join(sorted(c for c in chars if c.isprintable()))


def build(source: Path, out: Path = OUT) -> Path:
    from fontTools import subset

    opts = subset.Options()
    opts.layout_features = []  # Pillow draws without shaping; Hangul syllables are precomposed
    opts.name_IDs = ["*"]      # keep the copyright and licence records
    opts.hinting = False
    opts.notdef_outline = True
    font = subset.load_font(str(source), opts)
    sub = subset.Subsetter(opts)
    sub.populate(text=characters())
    sub.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out), opts)
    return out


def main() -> int:
    from models import store

    out = build(store.fetch("font-kr"))
    print(f"{out.relative_to(ROOT)}: {out.stat().st_size / 1024:.0f} KB, {len(characters())} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
