"""StarGAN (its tab): one generator for every domain and a two-headed discriminator (nets), the four domains made from
the faces DCGAN (data), the committed generator applied to pictures (infer), the domain classifier a benchmark
asks (judge), the offline loop (train)."""
