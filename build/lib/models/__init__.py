"""Pretrained image models: the weight store (registry, fetch, verify) and our own architectures that load them."""
