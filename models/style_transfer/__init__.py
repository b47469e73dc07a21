"""Style transfer (its tab): the pinned ONNX networks, 26 styles or any picture as a style (fast), Gatys et al.'s
optimisation of the pixels (gatys) on EfficientNet-Lite0 (models/imaging/efficientnet_lite.py) or VGG-19 (vgg)."""
