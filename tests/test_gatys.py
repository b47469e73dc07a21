"""Gatys optimisation on the EfficientNet-Lite0 backbone: the network is right, and the losses behave."""
import urllib.error

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from skimage import data

from models import store
from models.style_transfer import gatys, vgg
from models.imaging.efficientnet_lite import EfficientNetLite0, same_pad


@pytest.fixture(scope="module")
def backbone():
    return gatys.backbone("efficientnet-lite0")


def test_same_padding_gives_ceil_sized_outputs():
    for side in (7, 8, 9, 170, 171):
        x = torch.zeros(1, 1, side, side)
        y = F.max_pool2d(same_pad(x, 3, 2), 3, 2)
        assert y.shape[-1] == -(-side // 2)


def test_the_backbone_loads_strictly_and_sees_chelseas_cat(backbone):
    net = backbone.net
    assert sum(p.numel() for p in net.parameters()) == 4_652_008
    x = torch.from_numpy(data.chelsea()).permute(2, 0, 1)[None].float() / 255
    x = F.interpolate(x, size=(224, 224), mode="bilinear", antialias=True)
    with torch.no_grad():
        top = net(x).softmax(1)[0].topk(3)
    assert int(top.indices[0]) in range(281, 286) and float(top.values[0]) > 0.5  # ImageNet's domestic cats
    assert all(int(i) in range(281, 294) for i in top.indices)  # cats all the way down
    with pytest.raises(RuntimeError):
        EfficientNetLite0().load_state_dict({"_fc.weight": torch.zeros(1)})


def test_gram_is_symmetric_and_size_independent():
    f = torch.randn(1, 4, 6, 6)
    g = gatys.gram(f)
    assert torch.allclose(g, g.transpose(1, 2)) and g.shape == (1, 4, 4)
    assert torch.allclose(gatys.gram(f.repeat(1, 1, 2, 2)), g, atol=1e-6)


def test_a_few_steps_lower_the_style_loss_and_keep_the_content(backbone):
    content, style = data.chelsea(), data.coffee()
    run = gatys.GatysRun(backbone, content, style, gatys.GatysConfig(size=96, iterations=12))
    assert run.losses(run.x)["content"].item() == pytest.approx(0, abs=1e-9)  # starts at the photo
    while not run.done:
        run.step(4)
    styles = [h["style"] for h in run.history]
    assert len(run.history) == 12 and styles[-1] < 0.5 * styles[0]
    assert run.history[-1]["content"] < 2
    picture = run.picture()
    assert picture.shape == (64, 96, 3) and picture.dtype == np.uint8


def test_adam_and_a_noise_start_work_and_the_noise_is_seeded(backbone):
    cfg = gatys.GatysConfig(size=64, iterations=6, start="noise", optimizer="adam", lr=0.05, seed=3)
    a = gatys.GatysRun(backbone, data.chelsea(), data.coffee(), cfg)
    b = gatys.GatysRun(backbone, data.chelsea(), data.coffee(), cfg)
    assert torch.equal(a.x, b.x) and a.losses(a.x)["content"].item() > 0.1
    a.step(6)
    assert a.done and a.history[-1]["total"] < a.history[0]["total"]


def test_bad_settings_are_refused_with_a_reason(backbone):
    for bad, msg in (({"size": 10}, "size"), ({"iterations": 0}, "iterations"), ({"style_weight": float("nan")},
                     "style weight"), ({"start": "photo"}, "start"), ({"optimizer": "sgd"}, "optimizer"),
                     ({"style_layers": {"block.99": 1.0}}, "unknown layer"),
                     ({"style_layers": {"stem": 0.0}}, "at least one above 0")):
        with pytest.raises(ValueError, match=msg):
            gatys.GatysRun(backbone, data.chelsea(), data.coffee(), gatys.GatysConfig(**bad))


def test_a_nan_stops_the_run_and_keeps_the_last_good_picture(backbone, monkeypatch):
    run = gatys.GatysRun(backbone, data.chelsea(), data.coffee(), gatys.GatysConfig(size=64, iterations=50,
                                                                                     optimizer="adam"))
    run.step(2)
    good = run.picture()
    real = run.losses
    monkeypatch.setattr(run, "losses", lambda x: {k: v * float("nan") for k, v in real(x).items()})
    run.step(5)
    assert run.diverged and run.done and np.array_equal(run.picture(), good)


def test_vgg19_is_pluggable_and_fails_clearly_offline(monkeypatch):
    net = vgg.VGG19Features()
    assert set(vgg.PAPER_STYLE_LAYERS) | {vgg.PAPER_CONTENT_LAYER} <= set(net.layers)
    feats = vgg.VGGBackbone(net).extract(torch.rand(1, 3, 32, 32), {"relu1_1", "relu3_1"})
    assert feats["relu1_1"].shape == (1, 64, 32, 32) and feats["relu3_1"].shape == (1, 256, 8, 8)
    names = {k for k in net.state_dict()}
    assert "features.0.weight" in names and "features.34.bias" in names  # torchvision's indices

    def offline(*a, **k):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", offline)
    with pytest.raises(store.ModelUnavailable, match="EfficientNet-Lite0 backbone, which works offline"):
        vgg.vgg_backbone()
