"""What the image models refuse of a student's choices, in English; the UI's catalogue has it as models.<kind>
(toy2d/reasons.py explains the tables)."""
from __future__ import annotations

from toy2d import reasons

reasons.TABLES["models"] = {
    "no_style_weight": "give at least one style a weight above 0",
    "no_layer_weight": "style layer weights must be ≥ 0 and at least one above 0",
    "same_digits": "CycleGAN needs two different digits",
    "no_walk": "a CycleGAN has no latent space to walk",
}


def refused(kind: str) -> reasons.Refused:
    return reasons.Refused(kind, "models")
