"""Every picture input of the app hands its handler the file as it was sent, so models/imaging/inputs.py (size check
from the header, alpha onto white, 16-bit scaled) reads it, never Gradio's own conversion."""
import numpy as np
import pytest
from gradio.components.image_editor import EditorData
from gradio.data_classes import FileData
from PIL import Image

import app
from playground import uploads


@pytest.fixture(scope="module")
def demo():
    return app.build_app()


def picture_inputs(demo):
    return [b for b in demo.blocks.values() if type(b).__name__ == "Image" and getattr(b, "type", None) == "filepath"]


def rgba(path):
    a = np.zeros((64, 64, 4), np.uint8)
    a[20:40, 20:40] = (0, 0, 0, 255)  # a black square on a fully transparent ground
    Image.fromarray(a, "RGBA").save(path)
    return str(path)


def test_every_upload_reaches_the_reader_as_sent(demo, tmp_path):
    inputs = picture_inputs(demo)
    assert len(inputs) >= 6  # style (photo, two styles, Gatys style), pix2pix photo, CycleGAN photo
    path = rgba(tmp_path / "transparent.png")
    for image in inputs:
        assert image.preprocess(FileData(path=path, orig_name="transparent.png")) == path, image.elem_id
    picture = uploads.read_upload(path, "upload.what.photo", 256, quiet=True)
    assert picture.mean() > 180  # onto white (Gradio's RGB conversion made the same file black: mean ~20)


def test_a_16_bit_ramp_keeps_its_grey_levels(tmp_path):
    ramp = (np.linspace(0, 65535, 64 * 64).reshape(64, 64)).astype(np.uint16)
    path = tmp_path / "ramp16.png"
    Image.fromarray(ramp).save(path)
    picture = uploads.read_upload(str(path), "upload.what.photo", 256, quiet=True)
    assert 100 < picture.mean() < 155 and picture.min() < 10 and picture.max() > 245


def test_a_huge_greyscale_png_is_refused_from_its_header(demo, tmp_path):
    """164 KB that decodes to 13 000 × 13 000: Gradio's conversion cost 7 s and 800 MB before our check."""
    path = tmp_path / "huge.png"
    Image.new("L", (13_000, 13_000)).save(path, optimize=False)
    image = picture_inputs(demo)[0]
    assert image.preprocess(FileData(path=str(path), orig_name="huge.png")) == str(path)
    with pytest.raises(Exception, match="169 MP"):
        uploads.read_upload(str(path), "upload.what.photo", 256)


@pytest.mark.parametrize("content", [b"", b"garbage, not a picture"])
def test_garbage_is_refused_with_a_reason(demo, tmp_path, content):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    assert picture_inputs(demo)[0].preprocess(FileData(path=str(path), orig_name="bad.png")) == str(path)
    with pytest.raises(Exception, match="not a picture this app can read"):
        uploads.read_upload(str(path), "upload.what.photo", 256)


def test_the_sketch_pad_reads_its_drawing_with_the_same_reader(demo, tmp_path):
    pad = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "p2p-pad")
    path = rgba(tmp_path / "strokes.png")
    value = pad.preprocess(EditorData(composite=FileData(path=path), background=None, layers=[]))
    drawing = value["composite"]
    assert drawing.shape == (64, 64, 3) and drawing[0, 0].tolist() == [255, 255, 255] and drawing[30, 30].max() == 0
    Image.new("L", (13_000, 13_000)).save(tmp_path / "huge.png")
    with pytest.raises(Exception, match="drawing was not used"):
        pad.preprocess(EditorData(composite=FileData(path=str(tmp_path / "huge.png")), background=None, layers=[]))
