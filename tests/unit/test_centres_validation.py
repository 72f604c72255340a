"""Bad input for centres, dialect, back office and work orders: messages with path, value and rule."""

from tests.helpers.problems import has
from tests.helpers.scen import base, const


def sites(**extra):
    d = base(
        networks=[{"id": "n1", "share": 0.5}, {"id": "n2", "share": 0.5}],
        centers=[
            {"id": "prov", "kind": "provincial", "groups": []},
            {
                "id": "c1",
                "kind": "local",
                "network": "n1",
                "groups": [{"id": "g", "skills": ["a"], "agents": 1}],
            },
        ],
    )
    d.update(extra)
    return d


def orders(**wo_extra):
    wo = {
        "id": "wo",
        "raised_by": [{"call_type": "a", "probability": 0.5}],
        "handle_time": const(60),
        "limit_h": 24,
    }
    wo.update(wo_extra)
    d = base(work_orders=[wo])
    d["centers"][0]["back_office"] = [{"id": "bo", "order_types": ["wo"], "handlers": 1}]
    return d


def test_network_whose_calls_reach_no_group():
    has(sites(), "call_types[0]: calls from network(s) n2 can reach no group")


def test_local_centre_needs_an_existing_network_once():
    d = sites()
    del d["centers"][1]["network"]
    has(d, "centers[1].network: is required for a local centre")
    d = sites()
    d["centers"][1]["network"] = "n9"
    has(d, "centers[1].network: names no network (known: n1, n2), got 'n9'")
    d = sites()
    d["centers"].append({"id": "c1b", "kind": "local", "network": "n1", "groups": []})
    has(d, "centers[2].network: already has a local centre (c1), got 'n1'")


def test_one_provincial_centre_at_most():
    d = base()
    d["centers"].append({"id": "p2", "kind": "provincial", "groups": []})
    has(d, "centers[1].kind: a scenario has at most one provincial centre")


def test_overflow_to_a_centre_that_does_not_exist():
    d = sites(routing={"rules": [{"groups": ["c1/g", {"group": "nowhere/g", "delay_s": 30}]}]})
    has(
        d,
        "routing.rules[0].groups[1].group: names no centre 'nowhere' (centres: c1, prov), got 'nowhere/g'",
    )


def test_home_group_must_exist_for_every_matched_network():
    d = sites(routing={"rules": [{"groups": ["home/g"]}]})
    has(
        d,
        "routing.rules[0].groups[0]: cannot be found for network n2 (no local centre), got 'home/g'",
    )
    d = sites(routing={"rules": [{"groups": ["home/zz"]}]})
    has(d, "routing.rules[0].groups[0]: names no group 'zz' of a local centre, got 'home/zz'")


def test_dialect_names_a_network():
    d = base()
    d["centers"][0]["groups"][0]["dialects"] = ["cantonese"]
    has(d, "centers[0].groups[0].dialects[0]: names no network (known: all), got 'cantonese'")


def test_dialect_settings_ranges():
    has(base(dialect={"handle_time_factor": 0}), "dialect.handle_time_factor: must be > 0, got 0")
    has(
        base(networks=[{"id": "n", "share": 1, "dialect_share": 2}]),
        "networks[0].dialect_share: must be <= 1 (shares are fractions: if you meant 2 %, write 0.02), got 2",
    )


def test_work_order_without_back_office_group():
    d = orders()
    d["centers"][0]["back_office"] = []
    has(
        d,
        "work_orders[0]: has no back-office group: no centre's back_office lists it in order_types, got 'wo'",
    )


def test_orders_of_a_network_without_back_office():
    d = sites()
    d["call_types"][0]["arrivals"] = {"times_s": [0]}
    d["centers"][0]["groups"] = [{"id": "pg", "skills": ["a"], "agents": 1}]
    d["centers"][1]["back_office"] = [{"id": "bo", "order_types": ["wo"], "handlers": 1}]
    d["work_orders"] = [
        {
            "id": "wo",
            "raised_by": [{"call_type": "a", "probability": 1}],
            "handle_time": const(5),
            "limit_h": 1,
        }
    ]
    has(d, "work_orders[0]: orders from network(s) n2 have no back-office group")


def test_calendar_with_no_opening_hours_and_bad_ranges():
    d = orders(limit_calendar="night")
    d["calendars"] = [{"id": "night"}]
    has(d, "calendars[0]: has no opening hours (give every_day or hours), got 'night'")
    d["calendars"] = [{"id": "night", "every_day": ["22:00-25:00"]}]
    has(d, "calendars[0].every_day: opening hours has a clock time out of range, got '22:00-25:00'")
    d = orders(limit_calendar="nope")
    has(d, "work_orders[0].limit_calendar: names no calendar (known: none), got 'nope'")


def test_work_order_references():
    has(
        orders(raised_by=[{"call_type": "zz", "probability": 1}]),
        "work_orders[0].raised_by[0].call_type: names no call type (known: a), got 'zz'",
    )
    has(
        orders(limit_by_tier={"vip": 12}),
        "work_orders[0].limit_by_tier.vip: names no tier (known: regular), got 'vip'",
    )
    has(orders(limit_h=0), "work_orders[0].limit_h: must be > 0, got 0")
    has(
        orders(raised_by=[{"call_type": "a", "probability": 1.5}]),
        "work_orders[0].raised_by[0].probability: must be <= 1 (shares are fractions: if you meant 1.5 %, write 0.015), got 1.5",
    )
    has(
        orders(
            callback={
                "reach_prob": 0.8,
                "attempts": 0,
                "spacing": const(60),
                "talk_time": const(60),
            }
        ),
        "work_orders[0].callback.attempts: must be >= 1, got 0",
    )
    has(
        orders(chaser={"probability": 0.3, "delay": const(60), "call_type": "zz"}),
        "work_orders[0].chaser.call_type: names no call type (known: a), got 'zz'",
    )


def test_a_call_raises_one_order_at_most():
    d = orders()
    d["work_orders"].append(
        {
            "id": "wo2",
            "raised_by": [{"call_type": "a", "probability": 0.7}],
            "handle_time": const(60),
            "limit_h": 24,
        }
    )
    d["centers"][0]["back_office"][0]["order_types"].append("wo2")
    has(
        d,
        "work_orders[*].raised_by: probabilities for call type 'a' (tier regular) sum to more than 1",
    )


def test_back_office_references():
    d = orders()
    d["centers"][0]["back_office"][0]["order_types"] = ["wo", "zz"]
    has(
        d,
        "centers[0].back_office[0].order_types[1]: names no work-order type (known: wo), got 'zz'",
    )
    d = orders()
    d["centers"][0]["back_office"][0]["calendar"] = "zz"
    has(d, "centers[0].back_office[0].calendar: names no calendar (known: none), got 'zz'")
    d = orders()
    d["centers"][0]["back_office"][0]["handlers"] = [1, 2]
    has(
        d,
        "centers[0].back_office[0].handlers: must have 60 (one per interval) or 1440 (one per interval of a day, repeated) values, got 2",
    )


def test_home_group_without_the_skill():
    d = sites(
        routing={
            "rules": [
                {"networks": ["n1"], "groups": ["home/g"]},
                {"call_types": ["a"], "groups": ["c1/g"]},
            ]
        }
    )
    d["call_types"].append({"id": "b", "arrivals": {"rate_per_h": 1}, "handle_time": const(5)})
    d["centers"][0]["groups"] = [{"id": "pb", "skills": ["b"], "agents": 1}]
    has(
        d,
        "routing.rules[0].groups[0]: sends 'b' calls to group g of centre c1, which lacks that skill, got 'home/g'",
    )


def test_provincial_centre_takes_no_network():
    d = sites()
    d["centers"][0]["network"] = "n2"
    has(
        d, "centers[0].network: is only for local centres (a provincial centre takes every network)"
    )


def test_back_office_ids_unique_in_a_centre():
    d = orders()
    d["centers"][0]["back_office"].append({"id": "bo", "order_types": ["wo"], "handlers": 1})
    has(d, "centers[0].back_office[1].id: duplicates an earlier id, got 'bo'")
