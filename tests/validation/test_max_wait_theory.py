"""A maximum wait with disconnect against M/M/n+D (deterministic patience).

Long horizons after a warm-up, several replications; the tolerance is the
replications' own 99.9 % confidence interval of the mean (Bonferroni over the two
comparisons).
"""

from ccsim.analytics import mmn_max_wait
from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.validation.stats import agrees


def test_share_reaching_the_maximum_wait_matches_mmn_d():
    # 2.7 Erlangs on 3 agents, handling 100 s, cut off after 20 s of waiting
    sc = parse_scenario(
        {
            "name": "max-wait",
            "seed": 17,
            "replications": 12,
            "horizon": {"duration_h": 60, "interval_min": 60, "warmup_h": 2},
            "call_types": [
                {
                    "id": "a",
                    "arrivals": {"rate_per_h": 97.2},
                    "handle_time": {"dist": "exponential", "mean_s": 100},
                    "max_wait": {"after_s": 20, "action": "disconnect"},
                }
            ],
            "centers": [{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 3}]}],
        }
    )
    v = simulate(sc).kpi_values()
    th = mmn_max_wait(3, 2.7, 100.0, 20.0)
    for kpi, theory in (("timed_out_rate", th.p_limit), ("p_wait", th.p_wait)):
        ok, msg = agrees(v[kpi], theory, comparisons=2)
        assert ok, f"{kpi}: {msg}"
