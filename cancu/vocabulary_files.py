"""ontology.ttl, shapes.ttl and context.jsonld, wherever cancu runs from.

Their one source is the top of the checkout; building a wheel copies them into the package (setup.py), so an
installed cancu reads them with importlib.resources and a checkout reads the originals.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from cancu.config import PROJECT_ROOT

NAMES = ("ontology.ttl", "shapes.ttl", "context.jsonld")


def vocabulary_file(name: str) -> Traversable:
    """The file `name` (one of NAMES): the copy shipped in the package if there is one, else the checkout's."""
    if name not in NAMES:
        raise ValueError(f"{name!r} is not one of cancu's vocabulary files {NAMES}")
    shipped = files("cancu") / "vocabulary" / name
    return shipped if shipped.is_file() else PROJECT_ROOT / name
