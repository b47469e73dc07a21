"""The faces DCGAN (the latent-walk tab) and the faces it makes for the other families: its generator (nets), the
pinned weights applied to latents (infer), seeds → latents and the ways between them (latent), walks to pictures and
video (walks), sketch/face pairs and painted or unpaired faces made on the fly (data)."""
