"""The super-resolution training loops (Ledig et al. 2017): SRResNet on the pixel loss alone, then SRGAN from it
with a content loss on a feature network's activations and an adversarial loss.

The paper's content loss compares VGG-19 features (relu5_4); VGG's weights cannot be downloaded here, so ours
compares EfficientNet-Lite0's (the network Gatys already uses, pinned in the model store) at the output of block 4:
stride 8, 40 channels, the depth of VGG's relu4 maps. Deeper taps are 1/16 or 1/32 of a 96-px patch (6 or 3 pixels
across) and say little about texture; shallower ones are close to pixels again and only reproduce the MSE blur.
A small pixel term keeps the colours where the feature net is blind to them (it is trained for labels).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from .. import checkpoints, training
from ..imaging import quality

from . import data as srdata
from ..style_transfer.gatys import efficientnet_backbone
from .nets import SRDiscriminator, SRResNet
from .infer import from_checkpoint, to_picture, to_tensor

CONTENT_LAYER = "block.4"
EVAL_SIDE = 256  # held-out centre crops measured while training (the benchmark measures whole photos)


def held_out_crops() -> list[np.ndarray]:
    """Centre crops of the held-out photos: what the run's numbers and sample grids are measured on."""
    out = []
    for name in srdata.HELD_OUT:
        p = srdata.photo(name)
        y, x = (p.shape[0] - EVAL_SIDE) // 2, (p.shape[1] - EVAL_SIDE) // 2
        out.append(p[y:y + EVAL_SIDE, x:x + EVAL_SIDE])
    return out


def evaluate(g: SRResNet, crops: list[np.ndarray]) -> dict[str, float]:
    """Mean PSNR (dB, Y) and sharpness relative to the original on the held-out crops."""
    device = next(g.parameters()).device
    g.eval()
    psnr, sharp = [], []
    with torch.no_grad():
        for hr in crops:
            sr = to_picture(g(to_tensor(srdata.downscale(hr)).to(device)).cpu())
            psnr.append(quality.psnr_y(sr, hr))
            sharp.append(quality.sharpness(sr[None]) / quality.sharpness(hr[None]))
    g.train()
    return {"psnr": round(float(np.mean(psnr)), 3), "sharpness": round(float(np.mean(sharp)), 3)}


def _sample_grid(g: SRResNet, crops: list[np.ndarray], path: Path) -> None:
    """Rows: bicubic, the net, the original, for each held-out crop."""
    device = next(g.parameters()).device

    def draw() -> list[np.ndarray]:
        rows = [[srdata.bicubic(lr), to_picture(g(to_tensor(lr).to(device)).cpu()), hr]
                for hr, lr in ((hr, srdata.downscale(hr)) for hr in crops)]
        return [np.stack([p for row in zip(*rows) for p in row])]
    training.save_grid(path, len(crops), [g], draw)


def train_srresnet(args: argparse.Namespace, command: str) -> dict:
    return _train(args, command, adversarial=False)


def train_srgan(args: argparse.Namespace, command: str) -> dict:
    return _train(args, command, adversarial=True)


def _train(args: argparse.Namespace, command: str, adversarial: bool) -> dict:
    torch.manual_seed(args.seed)
    device = training.device(args.device)
    t0 = time.perf_counter()
    patches = srdata.Patches(seed=args.seed, blur=args.blur)
    crops = held_out_crops()
    data_s = time.perf_counter() - t0
    g = (from_checkpoint(args.init) if adversarial and args.init else SRResNet(args.channels, args.blocks)).to(device)
    opt_g = torch.optim.Adam(g.parameters(), lr=args.lr, betas=(0.9, 0.999))
    if adversarial:
        d = SRDiscriminator(args.d_channels).to(device)
        opt_d = torch.optim.Adam(d.parameters(), lr=args.lr, betas=(0.9, 0.999))
        features = efficientnet_backbone()
        features.net.to(device)
    optimisers = [opt_g, opt_d] if adversarial else [opt_g]
    scheds = [torch.optim.lr_scheduler.LambdaLR(o, lambda s: training.linear_decay(s, args.steps))
              for o in optimisers]
    kind = "srgan" if adversarial else "srresnet"
    history: list[dict[str, float]] = []
    evaluations: list[dict] = []
    t0 = time.perf_counter()
    bar = tqdm(range(1, args.steps + 1), desc=kind, unit="step")
    for step in bar:
        lr, hr = (t.to(device) for t in patches.batch(args.batch, args.patch))
        sr = g(lr)
        pixel = F.mse_loss(sr, hr)
        record = {"pixel": float(pixel.detach())}
        if adversarial:
            real_logits, fake_logits = d(hr), d(sr.detach().clamp(0, 1))
            loss_d = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                      + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))) / 2
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            with torch.no_grad():
                target = features.extract(hr, {CONTENT_LAYER})[CONTENT_LAYER]
            # relative to the features' own size, so λ_content does not depend on the feature net's scale
            features_sr = features.extract(sr, {CONTENT_LAYER})[CONTENT_LAYER]
            content = F.mse_loss(features_sr, target) / target.pow(2).mean()
            adv_logits = d(sr)
            adv = F.binary_cross_entropy_with_logits(adv_logits, torch.ones_like(adv_logits))
            loss_g = args.lambda_content * content + args.lambda_adv * adv + args.lambda_pixel * pixel
            record.update(d=float(loss_d.detach()), content=float(content.detach()), adv=float(adv.detach()))
        else:
            loss_g = pixel
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        for s in scheds:
            s.step()
        history.append(record)
        if step % 50 == 0:
            bar.set_postfix({k: f"{np.mean([h[k] for h in history[-50:]]):.4f}" for k in record})
        if step % args.save_every == 0 or step == args.steps:
            evaluations.append({"step": step, **evaluate(g, crops)})
            meta = _meta(command, args, step, time.perf_counter() - t0, data_s, history, evaluations)
            checkpoints.save(args.out, kind, {"generator": g}, meta)
            _sample_grid(g, crops, Path(args.samples) / f"{kind}_{step:06d}.png")
    return _meta(command, args, args.steps, time.perf_counter() - t0, data_s, history, evaluations)


def _meta(command: str, args: argparse.Namespace, step: int, seconds: float, data_s: float,
          history: list[dict[str, float]], evaluations: list[dict]) -> dict:
    return training.meta(command, args, step, seconds, data_s, history, patch=args.patch, blur=args.blur,
                         held_out=list(srdata.HELD_OUT), train_photos=list(srdata.TRAIN), evaluations=evaluations,
                         device=str(training.device(args.device)))
