"""Seeded golden values of the reference scenarios: regression, not validation.

Same scenario + same seed gives identical numbers, so the tolerance only covers
floating-point summation order (relative 1e-9). When a change alters the numbers on
purpose (a new random stream, a model fix), refresh the baselines and say why in the
commit:

    python -m tests.regression.golden
"""

from __future__ import annotations

import json
from pathlib import Path

from ccsim.reporting.jsonout import plain
from ccsim.runner import simulate
from ccsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
BASELINES = Path(__file__).resolve().parent / "baselines"
CASES = {"mmn": 6, "mmn_abandon": 6, "two_skill_overflow": 4, "province_10000": 2}
KPIS = (
    "offered", "answered", "abandoned", "service_level", "abandon_rate", "asa_s", "occupancy",
    "ivr_self_service", "fcr", "repeat_caller_rate", "redials", "returns", "avg_queue",
)  # fmt: skip


def compute(name: str) -> dict[str, object]:
    sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    res = simulate(sc, replications=CASES[name], workers=1)
    k = res.kpis()
    doc = {"scenario": name, "seed": sc.seed, "replications": CASES[name]}
    doc["kpis"] = {x: float(k.loc[x, "mean"]) for x in KPIS}
    groups = res.kpis("group")
    doc["groups"] = {
        str(g): float(groups.loc[g, ("answered", "mean")]) for g in groups.index if g != "(none)"
    }
    return plain(doc)


def main() -> None:
    BASELINES.mkdir(exist_ok=True)
    for name in CASES:
        (BASELINES / f"{name}.json").write_text(json.dumps(compute(name), indent=2) + "\n")
        print("refreshed", name)


if __name__ == "__main__":
    main()
