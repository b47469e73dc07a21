"""pix2pix and CycleGAN: architectures, a few training steps, the committed weights' quality, the vintage model."""

import numpy as np
import pytest
import torch

from conftest import assert_reproducible
from models import checkpoints, train
from models.cyclegan import infer as cyclegan
from models.pix2pix import infer as pix2pix
from models.imaging import inputs
from models.imaging import quality, sketch
from models.faces import data as facepairs
from models.cyclegan.nets import ResnetGenerator
from models.pix2pix.nets import PatchDiscriminator, UNetGenerator


def test_architectures_map_64_pixel_pictures_to_the_right_shapes():
    x = torch.randn(2, 1, 64, 64)
    y = UNetGenerator()(x)
    assert y.shape == (2, 3, 64, 64) and float(y.detach().abs().max()) <= 1
    assert PatchDiscriminator(in_ch=4)(torch.cat([x, y], 1)).shape == (2, 1, 14, 14)
    small = ResnetGenerator(ngf=16, blocks=4)
    assert small(torch.randn(2, 3, 64, 64)).shape == (2, 3, 64, 64)
    vintage = ResnetGenerator(ngf=64, blocks=9)
    keys = set(vintage.state_dict())
    assert {"model.1.weight", "model.10.block.1.weight", "model.18.block.6.bias", "model.26.weight"} <= keys
    assert ResnetGenerator(ngf=64, blocks=9)(torch.randn(1, 3, 32, 48)).shape == (1, 3, 32, 48)


def test_xdog_sketches_are_lines_on_white(faces):
    pictures = facepairs.faces(faces, [0, 1, 2, 3])
    sketches = facepairs.sketches(pictures)
    assert sketches.shape == (4, 64, 64) and sketches.dtype == np.uint8
    assert all(0.01 < sketch.ink_fraction(s) < 0.3 for s in sketches)
    assert np.median(sketches) > 240  # mostly paper


def test_a_few_pix2pix_steps_lower_the_loss_and_write_a_loadable_checkpoint(faces, tmp_path):
    out = tmp_path / "p2p.pt"
    assert train.main(["pix2pix", "--steps", "40", "--faces", "16", "--batch", "4", "--out", str(out),
                       "--samples", str(tmp_path / "samples"), "--save-every", "20"]) == 0
    ck = checkpoints.read(out)
    assert ck["kind"] == "pix2pix" and ck["meta"]["steps"] == 40 and "--steps 40" in ck["meta"]["command"]
    assert ck["meta"]["last"]["l1"] < ck["meta"]["first"]["l1"]
    assert all(v.dtype == torch.float16 for v in ck["states"]["generator"].values() if v.is_floating_point())
    net = pix2pix.generator(out)
    assert pix2pix.sketch_to_face(net, np.full((64, 64), 255, np.uint8)).shape == (1, 64, 64, 3)
    assert len(list((tmp_path / "samples").glob("pix2pix_*.png"))) == 2


def test_a_few_cyclegan_steps_lower_the_cycle_loss(faces, tmp_path):
    out = tmp_path / "cg.pt"
    assert train.main(["cyclegan", "--steps", "30", "--faces", "8", "--batch", "2", "--out", str(out),
                       "--samples", str(tmp_path / "samples"), "--save-every", "30"]) == 0
    g, f, meta = cyclegan.own(out)
    assert meta["last"]["cyc"] < meta["first"]["cyc"] and meta["lambda_cyc"] == 10.0
    there, back = cyclegan.cycle(g, f, facepairs.faces(faces, [5, 6]))
    assert there.shape == back.shape == (2, 64, 64, 3)


def test_the_sketch_pad_and_photos_become_the_sketches_pix2pix_reads():
    pad = np.zeros((256, 256, 4), np.uint8)  # transparent canvas…
    pad[100:104, 40:200] = (0, 0, 0, 255)    # …with one black stroke
    sk = pix2pix.pad_to_sketch(pad)
    assert sk.shape == (64, 64) and sk[0, 0] == 255 and sk[25, 30] < 80
    photo = np.random.default_rng(0).integers(0, 255, (120, 200, 3), np.uint8)
    assert pix2pix.photo_to_sketch(photo).shape == (64, 64)


@pytest.fixture(scope="module")
def held_out(faces):
    first = facepairs.HELD_OUT_FIRST_SEED
    pictures = facepairs.faces(faces, list(range(first, first + 40)))
    return pictures, facepairs.sketches(pictures)


@pytest.mark.parametrize("model", ["pix2pix", "cyclegan"])
def test_the_training_loops_run_save_a_loadable_checkpoint_and_record_their_command(model, faces, tmp_path):
    out = tmp_path / f"{model}.pt"
    small = ["--ngf", "4", "--blocks", "1"] if model == "cyclegan" else []
    argv = [model, "--steps", "2", "--batch", "2", "--faces", "4", "--save-every", "1", "--out", str(out),
            "--samples", str(tmp_path / "samples"), *small]
    assert train.main(argv) == 0
    meta = checkpoints.read(out)["meta"]
    assert meta["steps"] == 2 and meta["command"] == "python -m models.train " + " ".join(argv)
    assert sorted(p.name for p in (tmp_path / "samples").iterdir()) == [f"{model}_000001.png", f"{model}_000002.png"]
    if model == "pix2pix":
        assert pix2pix.generator(out)(torch.zeros(1, 1, 128, 128)).shape[1] == 3
    else:
        g, f, _ = cyclegan.own(out)
        x = torch.zeros(1, 3, 128, 128)
        assert g(x).shape == f(x).shape == x.shape


def test_the_committed_pix2pix_beats_the_untrained_net_and_is_sharper_than_l1_only(held_out):
    pictures, sketches = held_out
    scores = {}
    for name, net in (("gan", pix2pix.generator(pix2pix.PIX2PIX)),
                      ("l1", pix2pix.generator(pix2pix.PIX2PIX_L1)),
                      ("untrained", pix2pix.untrained())):
        out = pix2pix.sketch_to_face(net, sketches)
        scores[name] = (quality.l1(out, pictures), quality.ssim(out, pictures), quality.sharpness(out))
    assert scores["gan"][0] < 0.6 * scores["untrained"][0] and scores["gan"][1] > scores["untrained"][1] + 0.2
    assert scores["l1"][0] < 0.6 * scores["untrained"][0]
    assert scores["gan"][2] > 1.1 * scores["l1"][2]  # the adversarial term is what removes the blur
    meta = checkpoints.read(pix2pix.PIX2PIX)["meta"]
    assert_reproducible(meta, "pix2pix")


def test_the_committed_cyclegan_reconstructs_what_it_translates(faces):
    g, f, meta = cyclegan.own(cyclegan.CYCLEGAN)
    x = facepairs.faces(faces, list(range(facepairs.HELD_OUT_FIRST_SEED, facepairs.HELD_OUT_FIRST_SEED + 16)))
    there, back = cyclegan.cycle(g, f, x)
    assert quality.l1(there, x) > 0.05             # G changes the picture…
    assert quality.l1(back, x) < 0.6 * quality.l1(there, x)  # …and F brings it back
    assert_reproducible(meta, "cyclegan")


def test_the_vintage_generator_loads_strictly_and_changes_a_photo_subtly():
    from skimage import data

    photo = inputs.square(data.astronaut(), 128)
    out = cyclegan.vintage(photo)
    change = np.abs(out.astype(int) - photo).mean()
    assert out.shape == photo.shape and 1 < change < 60
