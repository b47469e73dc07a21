"""Where the app may be embedded: a Hugging Face Space shows it in an iframe of huggingface.co, whose address bar
only the Hub's page can change — it takes the query and hash from a message (its documented protocol). The lab's
links and the language switch both send it."""
from __future__ import annotations

import os


def parent_origin() -> str:
    """The page allowed to embed the app: a Space's page on huggingface.co; GAN_PLAYGROUND_PARENT_ORIGIN for
    another embedding page (the tests use one on another port)."""
    return os.environ.get("GAN_PLAYGROUND_PARENT_ORIGIN", "https://huggingface.co")
