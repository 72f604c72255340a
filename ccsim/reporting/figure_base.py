"""What every figure shares: matplotlib imported lazily (Agg), interval tick labels, saving."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _plt() -> Any:
    try:
        import matplotlib

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
