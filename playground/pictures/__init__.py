"""Pictures drawn with Pillow, without Gradio: the lab's view (lab_view), the A/B and VAE frames (compare), the image
lab's frame (digits), the doodle GAN's frame (doodles), labelled grids (grid), the super-resolution figure
(sr_figure), and the fonts they draw their words with (fonts: the shipped Hangul subset)."""
