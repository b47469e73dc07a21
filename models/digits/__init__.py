"""The live digit GANs (the digit GANs tab): scikit-learn's 8×8 digits (data), the DCGAN, conditional GAN and
CycleGAN nets at toy scale (nets), the trainer a page steps with `DigitConfig` (live), the small classifier that
counts classes and measures a Fréchet distance (judge)."""
