"""A class's doodles and the GAN that learns them (the doodles tab and class mode): strokes read at 28×28 and the
.npz a class's doodles are kept in (data), doodles a program draws as a crowd of hands would, for tests and
benchmarks (shapes), the word-conditional DCGAN (nets), its step, samples and nearest doodles as the pool grows
(live), DiffAugment's translation and cutout (diffaugment), and a classifier that judges samples (judge)."""
