"""Every notebook runs top to bottom, and is committed with its outputs (kept small)."""

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert not errors
    assert "np.float64" not in _output_text(nb)


def _output_text(nb):
    """Everything the notebook's cells print or show, as text (images left out)."""
    parts = []
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            parts.append(o.get("text", "") if isinstance(o.get("text", ""), str) else "")
            parts += [v for k, v in o.get("data", {}).items() if not k.startswith("image/")]
    return "\n".join(p if isinstance(p, str) else json.dumps(p) for p in parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_with_small_outputs(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "run it and save its outputs"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))  # top to bottom
    assert any(c.outputs for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert "np.float64" not in _output_text(nb)
    assert path.stat().st_size < 500_000  # figures at modest dpi and size


def test_quickstart_shows_its_figures_once():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    cells = [
        c
        for c in nb.cells
        if c.cell_type == "code" and c.source.split("\n")[-1].startswith("plots.")
    ]
    assert len(cells) >= 2
    for c in cells:  # the returned Figure, displayed as the cell's value, and only that
        assert [list(o.get("data", {})) for o in c.outputs] == [["image/png", "text/plain"]]


def test_notebooks_exist():
    assert any(p.name == "01_quickstart.ipynb" for p in NOTEBOOKS)
