"""Writing single files safely: checked before the work starts, replaced atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ccsim.errors import InputError, Problem

MANIFEST = "manifest.json"


def creatable(path: Path, option: str) -> Problem | None:
    """Whether ``path`` could be created: its nearest existing ancestor is a writable folder."""
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return Problem(option, f"cannot be created: {parent} is not a folder", str(path))
    if not os.access(parent, os.W_OK | os.X_OK):
        return Problem(option, f"cannot be created: no permission to write in {parent}", str(path))
    return None


def check_file_target(path: str | Path, option: str = "--out") -> None:
    """Refuse early a file path that cannot be written (a folder, or no write permission)."""
    path = Path(path)
    if path.is_dir():
        raise InputError([Problem(option, "is a folder, not a file", str(path))])
    if path.exists():
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
            raise InputError(
                [Problem(option, "cannot be replaced: no permission to write", str(path))]
            )
        return
    problem = creatable(path, option)
    if problem:
        raise InputError([problem])


def write_file_atomically(path: str | Path, text: str, option: str = "--out") -> None:
    """Write a text file through a temporary sibling; a failure is bad input, nothing half-written."""
    path = Path(path)
    check_file_target(path, option)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise InputError(
            [Problem(option, f"cannot be written ({e.strerror or e})", str(path))]
        ) from e


def read_json(path: Path) -> dict[str, Any]:
    """Read a JSON file (a run folder's manifest or summary)."""
    with open(path, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data
