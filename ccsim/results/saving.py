"""``save(folder)`` of a result: the same folder and report as the command line's ``--out``.

The folder writers (tables, figures, HTML report) belong to ``ccsim.reporting``, a layer
above the results, the runner and the staffing plan. A result therefore looks its writer
up here by kind (``run``, ``comparison``, ``staffing plan``); ``ccsim.reporting.saving``
registers the writers when it is imported, which the package's API (``import ccsim``)
does the first time it hands out a function or class that makes results.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

Writer = Callable[..., Path]

_WRITERS: dict[str, Writer] = {}


def register(kind: str, writer: Writer) -> None:
    """Name the function that writes the folder of a result of this kind."""
    _WRITERS[kind] = writer


def save(kind: str, result: Any, folder: str | Path, **options: Any) -> Path:
    """Write ``result``'s folder with the writer registered for ``kind``; return its path.

    The folder is filled beside the target and renamed into place, so an error leaves
    no half-written folder.
    """
    writer = _WRITERS.get(kind)
    if writer is None:
        raise RuntimeError(
            f"no folder writer for a {kind}: import ccsim (or ccsim.reporting.saving) "
            "before saving results"
        )
    return writer(result, Path(folder), **options)
