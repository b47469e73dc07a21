"""pix2pix (the sketch → colour tab): the U-Net generator and the PatchGAN discriminator (nets), the offline loop on
XDoG sketch / face pairs made from the faces DCGAN (train), the committed generators applied to a drawing or a photo
(infer). Nets apart from the step, as in junyanz/pytorch-CycleGAN-and-pix2pix."""
