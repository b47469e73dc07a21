"""One declaration per setting: a config's dataclass field carries its label, group, range and whether it applies
live, and everything else (validation, coercion from JSON or a URL, the lab's panel, the A/B panel) reads it here.

In the spirit of TensorFlow Playground's one property table (src/state.ts): adding a setting is one line in the
config class. The kind comes from the default's type (bool, int, float, or text with a fixed list of choices).
"""
from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import Any

from .reasons import Refused

_KEY = "setting"


@dataclass(frozen=True)
class Setting:
    name: str
    label: str
    group: str
    kind: str  # "bool", "int", "float" or "choice"
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False  # lo itself is not allowed (learning rates)
    choices: tuple[str, ...] = ()
    live: bool = False  # a running model takes the new value without a restart
    panel: bool = True  # shown in the lab's settings panel
    noun: str = ""  # what check's messages call it (default: the field's name)
    applies: tuple[str, tuple[str, ...]] | None = None  # (field, values): used only when that field is one of them

    def applies_to(self, config: Any) -> bool:
        """Whether the setting does anything in ``config`` (the panel hides those that do not)."""
        return self.applies is None or getattr(config, self.applies[0]) in self.applies[1]

    @property
    def called(self) -> str:
        return self.noun or self.name

    def check(self, value: Any) -> None:
        """A reason (Refused, naming the setting) when ``value`` (already of the field's type) is not allowed."""
        n = self.called
        if self.kind == "choice":
            if value not in self.choices:
                raise Refused("choice", name=n, choices=", ".join(self.choices), value=repr(value))
        elif self.kind == "bool":
            if not isinstance(value, bool):
                raise Refused("bool", name=n, value=repr(value))
        elif self.kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                raise Refused("whole", name=n, value=repr(value))
            if not self.lo <= value <= self.hi:
                raise Refused("whole_range", name=n, lo=int(self.lo), hi=int(self.hi), value=repr(value))
        else:
            if not (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)):
                raise Refused("finite", name=n, value=repr(value))
            if not ((value > self.lo if self.lo_open else value >= self.lo) and value <= self.hi):
                raise Refused("number_open" if self.lo_open else "number_range", name=n, lo=f"{self.lo:g}",
                              hi=f"{self.hi:g}", value=repr(value))

    def coerce(self, value: Any) -> Any:
        """A JSON, query-string or panel value as the field's type (ValueError naming the setting)."""
        try:
            if self.kind == "bool":
                if isinstance(value, bool):
                    return value
                text = str(value).strip().lower()
                if text in ("1", "true", "yes", "on"):
                    return True
                if text in ("0", "false", "no", "off"):
                    return False
                raise ValueError
            if isinstance(value, bool):
                raise ValueError
            if self.kind == "int":
                if isinstance(value, float):
                    if not value.is_integer():
                        raise ValueError
                    return int(value)
                return int(str(value).strip())
            if self.kind == "float":
                return float(value)
            return str(value)
        except (TypeError, ValueError, OverflowError):
            raise Refused("type", name=self.called, word=_TYPE_WORD[self.kind], value=repr(value)) from None

    def parse(self, value: Any) -> Any:
        """A value typed into a panel (or sent by a crafted request) as the field's type, or a ValueError in the
        panel's words, naming the setting by its label."""
        if self.kind in ("int", "float") and value is None:  # a box left empty, or text typed into it
            raise Refused("empty", name=self.label)
        if self.kind == "int":
            return parse_whole(value, self.label, int(self.lo), int(self.hi))
        if self.kind == "float":
            return parse_number(value, self.label, self.lo, self.hi, self.lo_open)
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise Refused("bool", name=self.label, value=repr(value))
            return value
        if value not in self.choices:
            raise Refused("choice", name=self.label, choices=", ".join(self.choices), value=repr(value))
        return value

    @property
    def range_text(self) -> str:
        """The allowed values in words, for a panel's hint."""
        if self.kind == "choice":
            return ", ".join(self.choices)
        if self.kind == "bool":
            return "on or off"
        if self.kind == "int":
            return f"{int(self.lo):,} to {int(self.hi):,}"
        if self.lo_open:
            return f"more than {self.lo:g}, at most {self.hi:g}"
        return f"{self.lo:g} to {self.hi:g}"


def parse_number(value: object, label: str, lo: float, hi: float, lo_open: bool = False) -> float:
    """``value`` if it is a finite number in range; ValueError naming ``label`` otherwise (strings, huge values
    and NaN from crafted requests included: Python's own errors for those would reach the user as tracebacks)."""
    ok = (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
          and (value > lo if lo_open else value >= lo) and value <= hi)
    if not ok:
        raise Refused("number_open" if lo_open else "number_range", name=label, lo=f"{lo:g}", hi=f"{hi:g}",
                      value=repr(value))
    return float(value)


def parse_whole(value: object, label: str, lo: int, hi: int) -> int:
    if not (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and int(value) == value and lo <= value <= hi):
        raise Refused("whole_range", name=label, lo=int(lo), hi=int(hi), value=repr(value))
    return int(value)


_TYPE_WORD = {"bool": "bool", "int": "int", "float": "float", "choice": "str"}


def setting(default: Any, label: str, group: str, *, lo: float | None = None, hi: float | None = None,
            lo_open: bool = False, choices: tuple[str, ...] | list[str] = (), live: bool = False,
            panel: bool = True, noun: str = "", applies: tuple[str, tuple[str, ...]] | None = None) -> Any:
    """A dataclass field with its Setting (the name and kind are filled in by ``table``)."""
    kind = ("bool" if isinstance(default, bool) else "int" if isinstance(default, int)
            else "float" if isinstance(default, float) else "choice")
    if kind in ("int", "float") and (lo is None or hi is None):
        raise TypeError(f"a numeric setting needs lo and hi ({label})")
    if kind == "choice" and not choices:
        raise TypeError(f"a text setting needs its choices ({label})")
    spec = Setting("", label, group, kind, lo, hi, lo_open, tuple(choices), live, panel, noun, applies)
    return dataclasses.field(default=default, metadata={_KEY: spec})


@functools.cache
def table(cls: type) -> tuple[Setting, ...]:
    """Every declared setting of a config class, in field order."""
    out = []
    for f in dataclasses.fields(cls):
        spec = f.metadata.get(_KEY)
        if spec is not None:
            out.append(dataclasses.replace(spec, name=f.name))
    return tuple(out)


@functools.cache
def by_name(cls: type) -> dict[str, Setting]:
    return {s.name: s for s in table(cls)}


def check_all(config: Any) -> None:
    """Check every declared setting of ``config`` (ValueError naming the first bad one)."""
    for s in table(type(config)):
        s.check(getattr(config, s.name))


def whole_numbers(config: Any) -> dict[str, int]:
    """The int settings given as integral floats (2.0 from a JSON number or a panel), as ints, for replace()."""
    out = {}
    for s in table(type(config)):
        v = getattr(config, s.name)
        if s.kind == "int" and isinstance(v, float) and v.is_integer():
            out[s.name] = int(v)
    return out


def applicable(config: Any) -> dict[str, bool]:
    """Each panel setting of ``config``: whether it applies (e.g. the weight clip only to the WGAN loss)."""
    return {s.name: s.applies_to(config) for s in table(type(config)) if s.panel}


def groups(cls: type) -> list[tuple[str, list[str]]]:
    """(group, setting names) in the order the groups first appear: the panel's layout."""
    out: dict[str, list[str]] = {}
    for s in table(cls):
        if s.panel:
            out.setdefault(s.group, []).append(s.name)
    return list(out.items())
