"""What every figure shares: matplotlib imported lazily, interval tick labels, saving.

Outside IPython (the command line, scripts, a server) figures are drawn with the Agg
backend, which needs no screen. Inside IPython or Jupyter the backend is left as the
kernel set it, so a figure a plot function returns is displayed in the notebook.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def in_ipython() -> bool:
    """Whether this process is an IPython shell or a Jupyter kernel."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    return get is not None and get() is not None


def _plt() -> Any:
    try:
        import matplotlib

        if not in_ipython():
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is a dependency
        raise RuntimeError("figures require matplotlib (pip install matplotlib)") from exc
    return plt


def _xticks(ax: Any, labels: list[str]) -> None:
    n = len(labels)
    step = max(1, n // 12)
    ax.set_xticks(range(0, n, step))
    ax.set_xticklabels([labels[i] for i in range(0, n, step)], rotation=45, ha="right", fontsize=8)


def save(fig: Any, path: Path) -> Path:
    """Write a figure as PNG and close it."""
    plt = _plt()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
