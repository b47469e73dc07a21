"""CycleGAN (the same tab's second half): the ResNet generator and the round trip G → F (nets; its discriminator is
pix2pix's PatchGAN, a declared dependency), the offline faces ↔ painting loop (train), our committed pair and the
pretrained vintage generator applied to pictures (infer)."""
