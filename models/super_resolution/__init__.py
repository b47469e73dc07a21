"""Super-resolution (the SR tab): the 4× SRResNet / SRGAN generator and discriminator (nets), the photos it learns
from and is judged on (data), the committed generators applied to pictures (infer), the offline loop (train)."""
