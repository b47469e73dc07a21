"""Numbers typed into a tab, checked once: finite, in range, whole where needed, or a message naming the field.

A browser sends numbers or null, but a crafted request can send anything (strings, huge values), and Python's own
errors for those (OverflowError from int(inf), TypeError from isfinite("abc")) would reach the user as tracebacks.
"""
from __future__ import annotations

import math

from playground import messages


def number(value: object, name: str, lo: float, hi: float, lo_open: bool = False) -> float:
    ok = (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
          and (value > lo if lo_open else value >= lo) and value <= hi)
    if not ok:
        low = f"above {lo:g}" if lo_open else f"from {lo:g}"
        raise messages.error(f"{name} must be a number {low} to {hi:g}, got {value!r}.")
    return float(value)


def whole(value: object, name: str, lo: int, hi: int) -> int:
    if not (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and int(value) == value and lo <= value <= hi):
        raise messages.error(f"{name} must be a whole number from {lo} to {hi}, got {value!r}.")
    return int(value)
