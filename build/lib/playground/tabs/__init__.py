"""The app's tabs, one module each, all with the same entry point: ``create(page, ...)`` lays the tab out inside
the gr.Tab that app.py opened and wires its events; what a tab shares with others (the 2D lab's registry of runs)
is handed in by app.py, as a multi-tab Space passes its model into each tab's create_demo."""
from __future__ import annotations

from dataclasses import dataclass

import gradio as gr


@dataclass(frozen=True)
class Page:
    """Where a tab is built: the whole page (page-level load/unload events) and the tab itself (its select
    event, for tabs that build their runs on first visit)."""

    demo: gr.Blocks
    tab: gr.Tab
