"""StyleGAN (its tab): the mapping network, styled synthesis and discriminator (nets), the committed generator and
what the tab draws with it (infer), the offline loop (train)."""
