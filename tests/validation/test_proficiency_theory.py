"""Proficiency against theory: a group's own speed is the speed Erlang C sees.

Long horizons after a warm-up, several replications; the tolerance is the
replications' own 99.9 % confidence interval of the mean (Bonferroni over the
comparisons made together).
"""

from ccsim.analytics import erlang_c_metrics
from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.ctmc import two_groups_random_reference
from tests.validation.stats import agrees

REPS = 12
HOURS = 150.0


def test_one_group_with_a_time_factor_matches_erlang_c_at_the_scaled_aht():
    # 200 calls/h, AHT 240 s x 0.75 = 180 s: 10 Erlangs on 12 agents (P(wait) about 0.45)
    sc = parse_scenario(
        {
            "name": "proficiency-erlang-c",
            "seed": 23,
            "replications": REPS,
            "horizon": {"duration_h": HOURS, "interval_min": 60, "warmup_h": 5},
            "call_types": [
                {
                    "id": "general",
                    "arrivals": {"rate_per_h": 200.0},
                    "handle_time": {"dist": "exponential", "mean_s": 240.0},
                }
            ],
            "centers": [
                {
                    "id": "c",
                    "groups": [
                        {
                            "id": "g",
                            "skills": ["general"],
                            "agents": 12,
                            "proficiency": [{"time_factor": 0.75}],
                        }
                    ],
                }
            ],
            "targets": {"service_level": {"threshold_s": 20.0}},
        }
    )
    v = simulate(sc).kpi_values()
    th = erlang_c_metrics(12, 10.0, 180.0, 20.0)
    for kpi, theory in (
        ("p_wait", th.p_wait),
        ("service_level", th.service_level),
        ("asa_s", th.asa_s),
        ("occupancy", th.occupancy),
        ("aht_s", 180.0),
    ):
        ok, msg = agrees(v[kpi], theory, comparisons=5)
        assert ok, f"{kpi}: {msg}"


def test_two_speeds_random_selection_match_a_markov_chain():
    # a fast group (2 agents, 120 s) and a slow one (3 agents, 240 s) answer one queue;
    # an arriving call takes an idle agent at random; 80 calls/h (capacity 105/h)
    n1, n2, aht1, aht2, rate = 2, 3, 120.0, 240.0, 80.0
    sc = parse_scenario(
        {
            "name": "two-speeds",
            "seed": 29,
            "replications": REPS,
            "horizon": {"duration_h": HOURS, "interval_min": 60, "warmup_h": 5},
            "call_types": [
                {
                    "id": "general",
                    "arrivals": {"rate_per_h": rate},
                    "handle_time": {"dist": "exponential", "mean_s": 180.0},
                }
            ],
            "centers": [
                {
                    "id": "c",
                    "groups": [
                        {
                            "id": "fast",
                            "skills": ["general"],
                            "agents": n1,
                            "proficiency": [{"time_factor": aht1 / 180.0}],
                        },
                        {
                            "id": "slow",
                            "skills": ["general"],
                            "agents": n2,
                            "proficiency": [{"time_factor": aht2 / 180.0}],
                        },
                    ],
                }
            ],
            "routing": {"agent_selection": "random"},
            "targets": {"service_level": {"threshold_s": 20.0}},
        }
    )
    res = simulate(sc)
    th = two_groups_random_reference(n1, 1 / aht1, n2, 1 / aht2, rate / 3600.0, 20.0)
    v = res.kpi_values()
    by_group = res.kpi_values(["group"])["occupancy"]
    occ = by_group.unstack("group")
    for name, values, theory in (
        ("occupancy fast", occ["fast"], th["occupancy_1"]),
        ("occupancy slow", occ["slow"], th["occupancy_2"]),
        ("p_wait", v["p_wait"], th["p_wait"]),
        ("service_level", v["service_level"], th["service_level"]),
    ):
        ok, msg = agrees(values, theory, comparisons=4)
        assert ok, f"{name}: {msg}"
