"""StarGAN (its tab): one generator for every domain and a two-headed discriminator (nets), the four domains made from
the faces DCGAN (data), the domain classifier a benchmark asks (judge), the offline loop (train); the tab's
inference is models/translation.py's, beside pix2pix and CycleGAN."""
