"""Real photographs that ship inside scikit-image, with hand labels.

The files are read from the installed package's data folder (never through
`skimage.data` functions, some of which download). `accepted` lists the ImageNet-1k classes
that are right for the photo's main subject; a photo whose subject has no ImageNet class
(a person) has none and counts only for whether a description names it. `words` are what
a description must say to have named the subject ("face" counts for a person: the offline
describer reports faces, not people).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from modalswitch.evals.tools_bench.records import BenchCase


@dataclass(frozen=True)
class Photo:
    """A shipped photograph and its hand labels."""

    file: str
    subject: str
    accepted: tuple[str, ...]
    words: tuple[str, ...]


PHOTOS = (
    Photo("chelsea.png", "a tabby cat's face", ("tabby", "tiger cat", "Egyptian cat"),
          ("cat", "tabby")),
    Photo("coffee.png", "a cup of espresso on a saucer", ("espresso", "cup", "coffee mug"),
          ("espresso", "cup", "coffee", "mug")),
    Photo("rocket.jpg", "a rocket on its launch pad at dusk",
          ("missile", "projectile", "space shuttle"),
          ("rocket", "missile", "projectile", "space shuttle")),
    Photo("motorcycle_left.png", "a red motorcycle in a garage",
          ("moped", "motor scooter", "disk brake", "crash helmet"),
          ("motorcycle", "moped", "scooter", "motor scooter")),
    Photo("motorcycle_right.png", "the same motorcycle from a second camera",
          ("moped", "motor scooter", "disk brake", "crash helmet"),
          ("motorcycle", "moped", "scooter", "motor scooter")),
    Photo("horse.png", "a black silhouette of a horse", ("sorrel",), ("horse", "sorrel")),
    Photo("camera.png", "a man filming with a camera on a tripod (black and white)",
          ("tripod", "reflex camera", "Polaroid camera"), ("camera", "tripod", "face")),
    Photo("astronaut.png", "an astronaut's portrait (a person: no ImageNet class)", (),
          ("face", "astronaut", "person")),
    Photo("clock_motion.png", "a clock blurred by motion", ("analog clock", "wall clock"),
          ("clock",)),
)


def skimage_file(name: str) -> Path | None:
    """A file from scikit-image's packaged data folder, or None if it is not installed."""
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / name
    return path if path.is_file() else None


def photo_cases(limit: int | None = None) -> list[BenchCase]:
    """The shipped photos that are installed, as cases."""
    cases = []
    for photo in PHOTOS[:limit]:
        path = skimage_file(photo.file)
        if path is None:
            continue
        cases.append(BenchCase(id=Path(photo.file).stem, bench="photos", media=str(path),
                               reference=photo.subject, accepted=list(photo.accepted),
                               words=list(photo.words), tags={"source": "scikit-image"}))
    return cases
