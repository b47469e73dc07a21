"""Any picture a user gives becomes RGB uint8, or is refused with a reason, before any pixel is decoded."""
import io

import numpy as np
import pytest
from PIL import Image

from models.imaging import inputs as image_input
from models.imaging.inputs import ImageRejected, read


def encode(im: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def test_rgba_is_flattened_onto_white():
    im = Image.new("RGBA", (40, 40), (255, 0, 0, 0))
    im.paste((0, 0, 255, 255), (0, 0, 20, 40))
    a, notes = read(encode(im), 512)
    assert a.shape == (40, 40, 3) and a.dtype == np.uint8 and notes == []
    assert tuple(a[5, 5]) == (0, 0, 255) and tuple(a[5, 30]) == (255, 255, 255)


def test_palette_grey_cmyk_and_16_bit_become_rgb():
    pal = Image.new("P", (40, 40), 3)
    pal.putpalette([0, 0, 0, 10, 20, 30, 40, 50, 60, 200, 100, 50] + [0] * 756)
    assert tuple(read(encode(pal), 512)[0][0, 0]) == (200, 100, 50)
    assert tuple(read(encode(Image.new("L", (40, 40), 77)), 512)[0][0, 0]) == (77, 77, 77)
    cmyk = read(encode(Image.new("CMYK", (40, 40), (0, 255, 255, 0)), "JPEG"), 512)[0]
    assert cmyk[0, 0, 0] > 200 and cmyk[0, 0, 1] < 60  # red
    deep = Image.fromarray(np.full((40, 40), 65535 // 2, np.uint16))
    assert abs(int(read(encode(deep), 512)[0][0, 0, 0]) - 128) <= 1


def test_exif_rotation_is_applied():
    im = Image.new("RGB", (60, 40), (0, 200, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    a, notes = read(encode(im, "JPEG", exif=exif), 512)
    assert a.shape == (60, 40, 3) and any("EXIF" in str(n) for n in notes)


def test_long_side_is_capped_with_a_note_and_tiny_or_absurd_pictures_are_refused():
    a, notes = read(encode(Image.new("RGB", (2000, 1000))), 1024)
    assert a.shape == (512, 1024, 3) and list(map(str, notes)) == [
        "scaled from 2000×1000 to 1024×512 (long side at most 1024 px)"]
    with pytest.raises(ImageRejected, match="only 10×10 pixels"):
        read(encode(Image.new("RGB", (10, 10))), 512)
    bomb = encode(Image.new("1", (20_000, 20_000)))  # a few KB on disk, 400 MP when decoded
    assert len(bomb) < 200_000
    with pytest.raises(ImageRejected, match="decompression bomb"):
        read(bomb, 512)
    big = encode(Image.new("1", (8_000, 6_000)))  # 48 MP: refused by our own limit, from the header
    with pytest.raises(ImageRejected, match="8000×6000 pixels"):
        read(big, 512)


def test_not_a_picture_and_truncated_files_are_refused(tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("hello")
    with pytest.raises(ImageRejected, match=r"\(notes.png\) is not a picture"):
        read(str(text), 512)
    whole = encode(Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200, 3), np.uint8)))
    with pytest.raises(ImageRejected, match="corrupt|not a picture"):
        read(whole[: len(whole) // 2], 512)
    with pytest.raises(ImageRejected, match="no picture"):
        read(None, 512)


def test_arrays_are_accepted_as_they_are():
    a, _ = read(np.full((50, 50), 0.5), 512)
    assert a.shape == (50, 50, 3) and a[0, 0, 0] == 127
    with pytest.raises(ImageRejected, match="not a picture"):
        read(np.zeros((5, 5, 7)), 512)
    assert image_input.MAX_PIXELS >= 24_000_000  # a 24-MP camera photo is accepted
