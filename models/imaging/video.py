"""Writing frames to a file that plays in a browser and on a slide: H.264 MP4 (imageio's ffmpeg) or GIF."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

FORMATS = (".mp4", ".gif")


def write(frames: np.ndarray, path: str | Path, fps: int = 24) -> Path:
    """(N, H, W, 3) uint8 → path. MP4 is H.264 / yuv420p with the index at the front, so a browser starts playing
    before the file has fully arrived; sides must be multiples of 16 (ours are)."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"video format must be one of {', '.join(FORMATS)}, not {path.suffix or 'none'}")
    if len(frames) == 0:
        raise ValueError("no frames to write")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".gif":
        images = [Image.fromarray(f) for f in frames]
        images[0].save(path, save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0)
        return path
    import imageio.v2 as imageio

    writer = imageio.get_writer(path, format="FFMPEG", fps=fps, codec="libx264", pixelformat="yuv420p",
                                macro_block_size=16, quality=8, ffmpeg_log_level="error",
                                ffmpeg_params=["-movflags", "+faststart", "-preset", "veryfast"])
    try:
        for f in frames:
            writer.append_data(np.ascontiguousarray(f))
    finally:
        writer.close()
    return path
