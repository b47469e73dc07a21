"""The Gradio user interface of GAN Playground."""
