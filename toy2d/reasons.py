"""Why a value was refused, what was changed on the way, or why a run stopped, in words a page can translate.

A ``Reason`` is a sentence's kind and fields; ``str()`` is its English. ``Refused`` is a ValueError carrying one.
Each table of sentences is registered under a name (``invalid`` here; models.imaging.inputs adds ``image``) and the
UI's catalogue takes them all as ``<table>.<kind>`` (Korean in playground/locales/ko.json), as it takes the
phenomena's sayings.

Only what a student meets by typing, drawing or uploading lives here; a crafted request's refusals stay plain
ValueErrors in English.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REASONS = {
    # a setting's value (toy2d.settings): {name} is the setting's label (or its field name in JSON/URL)
    "choice": "{name} must be one of {choices}; got {value}",
    "bool": "{name} must be on or off, got {value}",
    "whole": "{name} must be a whole number, got {value}",
    "empty": "{name} needs a number (the box is empty or holds something else)",
    "whole_range": "{name} must be a whole number from {lo} to {hi}, got {value}",
    "finite": "{name} must be a finite number, got {value}",
    "number_range": "{name} must be a number from {lo} to {hi}, got {value}",
    "number_open": "{name} must be a number more than {lo} and at most {hi}, got {value}",
    "type": "{name} must be a {word}, got {value}",
    # settings that do not go together (toy2d.config), or cost too much on a shared server (toy2d.budget)
    "too_many_weights": "{net} would have {weights} weights; at most {most} are allowed on this shared server (e.g. 2 "
                        "hidden layers of 150 neurons, 3 of 110 or 4 of 85): lower {width} ({width_value}) or "
                        "{depth} ({depth_value})",
    "too_slow": "one iteration would take about {ms} ms of a shared CPU core; at most {most} ms is allowed: lower "
                "one of {what}",
    "batch_pack": "the batch size ({batch}) must be a multiple of the packing ({pack}): D judges the batch in packs "
                  "of {pack} samples",
    "no_steps": "k_d and k_g cannot both be 0: an iteration would do nothing",
    # a drawn or uploaded point cloud (toy2d.distributions, toy2d.pointsio)
    "points_needed": "the 'points' data set needs a point cloud (draw one or upload a CSV)",
    "points_numbers": "points must be numbers in two columns (x, y)",
    "points_empty": "the point cloud is empty: draw or upload at least 2 points",
    "points_columns": "points must have exactly two columns (x, y); got {shape}",
    "points_two": "at least 2 points are needed to define a distribution",
    "points_many": "too many points ({count}); at most {most} are accepted",
    "points_finite": "points contain NaN or infinite values",
    "points_far": "point coordinates must lie within ±1e6",
    "csv_text": "the points file is not text: expected CSV rows of x,y numbers",
    "csv_big": "the file is {mb} MB; at most {most_mb} MB ({most} points) is accepted",
    "csv_unread": "could not read the points file: {why}",
    "csv_line": "line {line} is not numbers: {text}",
    "csv_pairs": "line {line} has {count} values; each row must be x,y",
    # a saved run picked to load (toy2d.checkpoint): the wrong file is what a student meets
    "run_not_archive": "not a GAN Playground run file (not a PyTorch archive: {error})",
    "run_unread": "not a GAN Playground run file (it could not be read: {error})",
    "run_not_ours": "not a GAN Playground run file (wrong or missing format tag)",
    "run_code": "not a GAN Playground run file: it holds Python objects besides tensors and plain data, and such "
                "files can run code when opened, so it was not opened",
    "run_too_big": "not a GAN Playground run file: it declares {records} records and {mb} MB, more than any run of "
                   "this lab holds (at most {most} MB)",
    "run_mismatch": "the weights do not match the saved settings ({detail})",
}
# Why a run stopped (toy2d.trainer, toy2d.vae, models.digits.live, models.doodles.live): a loss or weight that broke
STOPPED = {
    "message": "training diverged at iteration {iteration} ({phase} step): {why}",
    "loss": "the {net} loss {why}",
    "weight": "a {net} weight became NaN or infinite (learning rate too high?)",
    "became": "became {value}",
    "beyond": "reached {value}, beyond ±{limit}: the network's outputs have blown up",
    "digits": "{why} at iteration {iteration}: the learning rates are probably too high for {optimizer}; lower them "
              "and reset",
    "net.discriminator": "discriminator",
    "net.generator": "generator",
    "net.VAE": "VAE",
    "net.D": "D",
    "net.G": "G",
    "net.cycle": "cycle",
    "net.identity": "identity",
}
# every table, by its catalogue prefix (models/imaging/inputs.py, models/faces/latent.py and models/refusals.py
# add theirs)
TABLES: dict[str, dict[str, str]] = {"invalid": REASONS, "stopped": STOPPED}


@dataclass(frozen=True)
class Reason:
    """A sentence to say later: its table, kind and fields (already formatted)."""
    table: str
    kind: str
    fields: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return TABLES[self.table][self.kind].format(**{k: ", ".join(map(str, v)) if isinstance(v, tuple) else v
                                                       for k, v in self.fields})


def stopped(kind: str, **fields: Any) -> Reason:
    """Why a run stopped (the STOPPED table)."""
    return reason(kind, "stopped", **fields)


def reason(kind: str, table: str = "invalid", **fields: Any) -> Reason:
    if kind not in TABLES[table]:
        raise KeyError(f"no sentence {table}.{kind}")
    return Reason(table, kind, tuple(fields.items()))


class Refused(ValueError):
    """A refused value and why (``reason``); ``str()`` is the English."""

    def __init__(self, kind: str, table: str = "invalid", **fields: Any) -> None:
        self.reason = reason(kind, table, **fields)
        super().__init__(str(self.reason))

    def __reduce__(self):  # pickled across the lab's worker processes with its reason
        return _rebuild, (type(self), self.reason)


def _rebuild(cls: type, why: Reason) -> "Refused":
    refused = cls.__new__(cls)
    ValueError.__init__(refused, str(why))
    refused.reason = why
    return refused
