"""A tab's fields: numbers typed into it, checked once (finite, in range, whole where needed, or a message naming
the field), and the one event a dropdown's pick answers to.

The checks are toy2d.settings' (the settings table uses them too); here they become the message Gradio shows.
"""
from __future__ import annotations

from typing import Any

import gradio as gr

from toy2d import settings

from playground import i18n, messages


def _name(name: str) -> str:
    """A field's name for a message: a catalogue key said in the page's language, else as given."""
    return i18n.say(name) if name in i18n.CATALOGUE["en"] else name


def picked(dropdown: gr.Dropdown) -> Any:
    """The event of a user picking an option of ``dropdown`` (call it like ``dropdown.input``).

    Not ``input``: Gradio 6's dropdown fires ``input`` again when it loses focus, i.e. when the user goes on to
    click Play, so a pick that rebuilds a run ran twice and the second build paused the run Play had just
    started. ``select`` fires once per pick (mouse or keyboard), never on blur or on a value set by the server."""
    return dropdown.select


def number(value: object, name: str, lo: float, hi: float, lo_open: bool = False) -> float:
    """``value`` if a finite number in range, else gr.Error naming the field (``name``: a catalogue key)."""
    try:
        return settings.parse_number(value, _name(name), lo, hi, lo_open)
    except ValueError as exc:
        raise messages.error(exc) from None


def whole(value: object, name: str, lo: int, hi: int) -> int:
    try:
        return settings.parse_whole(value, _name(name), lo, hi)
    except ValueError as exc:
        raise messages.error(exc) from None


def declared(setting: settings.Setting, value: Any, prefix: str = "") -> Any:
    """A value for a declared setting, with its own range and label (``prefix``: e.g. which side of the A/B)."""
    try:
        return setting.parse(value)
    except ValueError as exc:
        raise messages.error(f"{prefix}{i18n.said(exc)}") from None


def number_box(setting: settings.Setting, value: Any, elem_id: str, words: str, **kwargs: Any) -> gr.Number:
    """A number box for a declared setting: its label, its range as the hint (in the page's language: ``words`` is
    its table's name in the catalogue, catalogue.SETTING_TABLES), whole numbers where it has them."""
    return gr.Number(value, label=i18n.text(f"{words}.{setting.name}"), info=i18n.text(f"{words}.{setting.name}.range"),
                     precision=0 if setting.kind == "int" else None, elem_id=elem_id, **kwargs)
