"""The live state file: every rule of ``state_problems`` with its message, bands, group names."""

import copy

import pytest
import yaml

from ccsim.errors import InputError
from ccsim.intraday.state import group_labels, parse_state, read_state, spread
from ccsim.scenario import parse_scenario
from tests.helpers.scen import base, const

# 08:00 + 10 h, 30-minute intervals; group `desk` in two centres (the provincial one and
# the local one of `town`), `solo` in one
SCENARIO = base(
    horizon={"start": "08:00", "duration_h": 10, "interval_min": 30},
    call_types=[
        {"id": "query", "arrivals": {"rate_per_h": 60}, "handle_time": const(60)},
        {"id": "order", "arrivals": {"rate_per_h": 30}, "handle_time": const(60)},
    ],
    tiers=[{"id": "gold", "share": 0.2}, {"id": "std", "share": 0.8}],
    networks=[{"id": "city", "share": 0.6}, {"id": "town", "share": 0.4}],
    centers=[
        {
            "id": "north",
            "groups": [
                {"id": "desk", "skills": ["query"], "agents": 5},
                {"id": "solo", "skills": ["query", "order"], "agents": 3},
            ],
        },
        {
            "id": "south",
            "kind": "local",
            "network": "town",
            "groups": [{"id": "desk", "skills": ["query", "order"], "agents": 4}],
        },
    ],
)


@pytest.fixture(scope="module")
def sc():
    return parse_scenario(SCENARIO)


GOOD = {
    "at": "11:20",
    "calls_so_far": {"query": [30, 31, 29, 30, 32, 28, 12]},  # 7 intervals begun by 11:20
    "kpis_so_far": {"answered": 300, "answered_within_threshold": 250, "abandoned": 10},
    "waiting": [
        {"call_type": "query", "tier": "gold", "waited_s": 35},
        {"call_type": "order", "count": 4, "waited_s": [0, 120]},
    ],
    "in_progress": [
        {"group": "solo", "call_type": "order", "elapsed_s": 95},
        {"group": "north/desk", "call_type": "query", "count": 3, "elapsed_s": [0, 300]},
    ],
    "agents_now": {"solo": 3, "north/desk": 5, "south/desk": 4},
    "staffing": {"solo": [3, 4, 4]},
}


def state(**over):
    d = copy.deepcopy(GOOD)
    d.update(copy.deepcopy(over))
    return d


def messages(data, sc):
    with pytest.raises(InputError) as exc:
        parse_state(data, sc)
    return [str(p) for p in exc.value.problems]


def test_a_good_state_parses(sc):
    st = parse_state(state(), sc)
    assert st.at == "11:20"
    assert st.day == 1
    assert st.waiting[1].count == 4


def test_groups_by_name_when_unique_and_by_centre_always(sc):
    labels = group_labels(sc)
    assert labels == {"north/desk": 0, "north/solo": 1, "solo": 1, "south/desk": 2}
    # `desk` is in two centres: only centre/group names it
    assert "desk" not in labels
    found = messages(state(agents_now={"desk": 3}), sc)
    assert found == [
        "agents_now.desk: names no group (known: north/desk, north/solo, solo, south/desk), got 'desk'"
    ]
    parse_state(state(agents_now={"north/solo": 3}), sc)


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        (
            {"at": "18:30"},
            "at: must fall inside the horizon (08:00 + 10 h), got '18:30'",
        ),
        (
            {"calls_so_far": {"querry": [1] * 7}},
            "calls_so_far.querry: names no call type (known: order, query), got 'querry'",
        ),
        (
            {"calls_so_far": {"query": [1] * 8}},
            "calls_so_far.query: has 8 intervals, but only 7 have begun by 11:20, got 8",
        ),
        (
            {"calls_so_far": {"query": [1, -2, 1, 1, 1, 1, 1]}},
            "calls_so_far.query[1]: must be >= 0, got -2.0",
        ),
        (
            {"waiting": [{"call_type": "fax", "waited_s": 1}]},
            "waiting[0].call_type: names no call type (known: order, query), got 'fax'",
        ),
        (
            {"waiting": [{"call_type": "query", "tier": "platinum", "waited_s": 1}]},
            "waiting[0].tier: names no tier (known: gold, std), got 'platinum'",
        ),
        (
            {"waiting": [{"call_type": "query", "network": "mars", "waited_s": 1}]},
            "waiting[0].network: names no network (known: city, town), got 'mars'",
        ),
        (
            # 11:20 is 12,000 s after opening
            {"waiting": [{"call_type": "query", "waited_s": 12001}]},
            "waiting[0].waited_s: a wait longer than the time since the horizon opened, got 12001.0",
        ),
        (
            {"waiting": [{"call_type": "query", "count": 3, "waited_s": [0, 13000]}]},
            "waiting[0].waited_s: a wait longer than the time since the horizon opened, got 13000.0",
        ),
        (
            {"waiting": [{"call_type": "query", "waited_s": -1}]},
            "waiting[0].waited_s: must be >= 0, got -1.0",
        ),
        (
            {"waiting": [{"call_type": "query", "count": 2, "waited_s": [60, 10]}]},
            "waiting[0].waited_s: a band is [low, high] with low <= high, got [60.0, 10.0]",
        ),
        (
            {"waiting": [{"call_type": "query", "count": 2, "waited_s": [1, 2, 3]}]},
            "waiting[0].waited_s: a band is [low, high] with low <= high, got [1.0, 2.0, 3.0]",
        ),
        (
            {"in_progress": [{"group": "nowhere", "call_type": "query", "elapsed_s": 1}]},
            "in_progress[0].group: names no group (known: north/desk, north/solo, solo, south/desk), got 'nowhere'",
        ),
        (
            {"in_progress": [{"group": "solo", "call_type": "fax", "elapsed_s": 1}]},
            "in_progress[0].call_type: names no call type (known: order, query), got 'fax'",
        ),
        (
            {"in_progress": [{"group": "north/desk", "call_type": "order", "elapsed_s": 1}]},
            "in_progress[0].call_type: is not a skill of group north/desk, got 'order'",
        ),
        (
            {"in_progress": [{"group": "solo", "call_type": "order", "elapsed_s": 12500}]},
            "in_progress[0].elapsed_s: a talk longer than the time since the horizon opened, got 12500.0",
        ),
        (
            {"in_progress": [{"group": "solo", "call_type": "order", "elapsed_s": -5}]},
            "in_progress[0].elapsed_s: must be >= 0, got -5.0",
        ),
        (
            {
                "in_progress": [
                    {"group": "solo", "call_type": "order", "kind": "redial", "elapsed_s": 1}
                ]
            },
            "in_progress[0].kind: must be one of fresh or chaser, got 'redial'",
        ),
        (
            # a short list would read as a quiet morning
            {"calls_so_far": {"query": [30, 31]}},
            "calls_so_far.query: has 2 intervals, but 7 have begun by 11:20 (one count per "
            "interval from the horizon's start, the current one so far included; 0 for "
            "none), got 2",
        ),
        (
            # a whole day's plan pasted as it is: 20 half-hours, 14 left from 11:00
            {"staffing": {"solo": [3] * 20}},
            "staffing.solo: has 20 intervals, but only 14 remain from 11:20 (the plan from "
            "the current interval on), got 20",
        ),
        (
            {"kpis_so_far": {"answered": 100, "answered_within_threshold": 500, "abandoned": 9}},
            "kpis_so_far.answered_within_threshold: must be <= answered (100), got 500",
        ),
        (
            {"agents_now": {"south/desk": -1}},
            "agents_now.south/desk: must be >= 0, got -1",
        ),
        (
            {"agents_now": {"west/desk": 2}},
            "agents_now.west/desk: names no group (known: north/desk, north/solo, solo, south/desk), got 'west/desk'",
        ),
        (
            {"staffing": {"south/desk": [4, -1]}},
            "staffing.south/desk[1]: must be >= 0, got -1",
        ),
        (
            {"staffing": {"east": [4]}},
            "staffing.east: names no group (known: north/desk, north/solo, solo, south/desk), got 'east'",
        ),
    ],
)
def test_every_rule_with_its_message(sc, over, expected):
    assert messages(state(**over), sc) == [expected]


def test_before_opening_is_outside_the_horizon(sc):
    found = messages(state(at="07:30", calls_so_far={}, waiting=[], in_progress=[]), sc)
    assert found == ["at: must fall inside the horizon (08:00 + 10 h), got '07:30'"]


def test_more_calls_in_talk_than_agents_logged_in_is_a_shift_change(sc):
    # at a boundary where staffing drops, agents past the new staffing finish their call
    # (as the engine lets them): a snapshot taken there is a valid state, and the notes
    # say it; `solo` and `north/solo` are one group, 2 + 2 in talk against 3 logged in
    from ccsim.intraday.run import state_notes

    live = state(
        in_progress=[
            {"group": "solo", "call_type": "query", "count": 2, "elapsed_s": 5},
            {"group": "north/solo", "call_type": "order", "count": 2, "elapsed_s": 5},
        ]
    )
    notes = [n for n in state_notes(sc, parse_state(live, sc)) if "shift change" in n]
    assert notes == [
        f"solo: 4 calls in talk with 3 agents logged in at {live['at']}: 1 agent finishes "
        "the call, then logs off (as at a shift change)"
    ]


def test_several_problems_are_listed_at_once(sc):
    found = messages(
        state(
            calls_so_far={"querry": [1] * 7},
            waiting=[{"call_type": "query", "tier": "platinum", "waited_s": 99999}],
            in_progress=[{"group": "nowhere", "call_type": "query", "elapsed_s": 1}],
            agents_now={"solo": -1},
            staffing={"east": [1]},
        ),
        sc,
    )
    assert found == [
        "calls_so_far.querry: names no call type (known: order, query), got 'querry'",
        "waiting[0].tier: names no tier (known: gold, std), got 'platinum'",
        "waiting[0].waited_s: a wait longer than the time since the horizon opened, got 99999.0",
        "in_progress[0].group: names no group (known: north/desk, north/solo, solo, south/desk), got 'nowhere'",
        "agents_now.solo: must be >= 0, got -1",
        "staffing.east: names no group (known: north/desk, north/solo, solo, south/desk), got 'east'",
    ]


def test_schema_problems_name_their_path(sc):
    found = messages(state(waiting=[{"call_type": "query", "count": 0, "waited_s": 1}]), sc)
    assert len(found) == 1
    assert found[0].startswith("waiting.0.count") or found[0].startswith("waiting[0].count")


def test_top_level_must_be_a_mapping(sc):
    assert messages([1, 2], sc) == ["(top level): must be a mapping, got 'list'"]


def test_day_two_counts_from_the_first_opening(sc):
    # day 2 11:20 is 86,400 s later: past a 10-hour horizon
    found = messages(state(day=2), sc)
    assert found[0] == "at: must fall inside the horizon (08:00 + 10 h), got '11:20'"


def test_read_state_missing_file(tmp_path, sc):
    with pytest.raises(InputError) as exc:
        read_state(tmp_path / "none.yaml", sc)
    assert [str(p) for p in exc.value.problems] == [
        f"--state: no such file, got {str(tmp_path / 'none.yaml')!r}"
    ]


def test_read_state_round_trip(tmp_path, sc):
    p = tmp_path / "now.yaml"
    p.write_text(yaml.safe_dump(state()))
    assert read_state(p, sc) == parse_state(state(), sc)


@pytest.mark.parametrize(
    ("value", "count", "expected"),
    [
        (35.0, 3, [35.0, 35.0, 35.0]),
        ([0.0, 120.0], 4, [15.0, 45.0, 75.0, 105.0]),
        ([0.0, 120.0], 1, [60.0]),
        ([30.0, 30.0], 2, [30.0, 30.0]),
    ],
)
def test_bands_spread_evenly(value, count, expected):
    assert spread(value, count) == expected


def test_an_unknown_key_lists_the_state_file_keys_not_the_scenario_ones() -> None:
    sc = parse_scenario(base())
    with pytest.raises(InputError) as err:
        parse_state({"at": "11:00", "att": 3}, sc)
    text = str(err.value)
    assert "att: unknown key (did you mean 'at'?)" in text
    assert "in_progress" in text and "call_types" not in text


def test_schema_and_scenario_problems_are_listed_together_with_their_lines(sc, tmp_path):
    # were two rounds: the file's own problems first, those against the scenario after
    p = tmp_path / "now.yaml"
    p.write_text(
        'at: "11:20"\n'
        "waiting:\n"
        "  - {call_type: query, count: -3, waited_s: 5}\n"
        "in_progress:\n"
        "  - {group: solo, call_type: fax, elapsed_s: 5}\n"
        "agents_now: {ghost: 3}\n"
        "extra_key: 1\n"
    )
    with pytest.raises(InputError) as exc:
        read_state(p, sc)
    found = [str(q) for q in exc.value.problems]
    assert found[0] == "waiting[0].count (line 3): must be >= 1, got -3"
    assert found[1].startswith("extra_key (line 7): unknown key")
    assert found[2:] == [
        "in_progress[0].call_type (line 5): names no call type (known: order, query), got 'fax'",
        "agents_now.ghost (line 6): names no group (known: north/desk, north/solo, solo, south/desk), got 'ghost'",
    ]


def test_a_value_of_two_forms_is_one_problem_named_by_its_path(sc, tmp_path):
    p = tmp_path / "now.yaml"
    p.write_text('at: "11:20"\nwaiting:\n  - {call_type: query, waited_s: abc}\n')
    with pytest.raises(InputError) as exc:
        read_state(p, sc)
    assert [str(q) for q in exc.value.problems] == [
        "waiting[0].waited_s (line 3): must be a number or a list, got 'abc'"
    ]


def test_at_an_intervals_start_the_interval_just_begun_may_be_left_out(sc):
    # 11:00 begins the 7th interval; the 6 finished ones are the whole morning
    parse_state(state(at="11:00", calls_so_far={"query": [30, 31, 29, 30, 32, 28]}), sc)
    parse_state(state(at="11:00", calls_so_far={"query": [30, 31, 29, 30, 32, 28, 0]}), sc)
    found = messages(state(at="11:00", calls_so_far={"query": [30, 31, 29, 30, 32]}), sc)
    assert found[0].startswith("calls_so_far.query: has 5 intervals, but 7 have begun by 11:00")


def test_a_bad_day_does_not_check_the_rest_on_day_one(sc):
    # the day is read by every check of times: without it, none of them
    assert messages(state(day=0), sc) == ["day: must be >= 1, got 0"]


def test_a_key_named_like_a_type_stays_in_the_path():
    from ccsim.scenario import parse_scenario as parse

    d = base()
    d["centers"][0]["groups"][0]["id"] = "int"
    d["staffing"] = {"min_agents": {"int": "abc"}}
    with pytest.raises(InputError) as exc:
        parse(d)
    paths = {q.path for q in exc.value.problems}
    assert paths == {"staffing.min_agents.int"}


def test_the_good_items_of_a_list_are_still_checked_under_their_own_positions(sc):
    # one bad waiting item used to leave the whole list out of the checks
    found = messages(
        state(
            waiting=[
                {"call_type": "query", "count": -3, "waited_s": 5},
                {"call_type": "fax", "waited_s": 5},
                {"call_type": "query", "waited_s": 99999},
            ]
        ),
        sc,
    )
    assert found == [
        "waiting[0].count: must be >= 1, got -3",
        "waiting[1].call_type: names no call type (known: order, query), got 'fax'",
        "waiting[2].waited_s: a wait longer than the time since the horizon opened, got 99999.0",
    ]
