"""Pictures in and out, shared by every family: any upload read into RGB or refused (inputs), grids and strips
(montage), MP4/GIF (video), XDoG line drawings (sketch), and how good pictures are (quality: L1, SSIM, PSNR-Y,
sharpness; frechet: a Fréchet distance on the features of efficientnet_lite)."""
