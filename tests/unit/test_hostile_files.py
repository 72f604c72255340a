"""Scenario files as they arrive from outside: damaged bytes, YAML 1.1 surprises, odd keys.

Each case once crashed (exit 3) or was read silently wrong; each now loads as meant or
is refused with exit code 2, the place and the rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ccsim.errors import InputError
from ccsim.scenario import load_scenario, load_text
from ccsim.scenario.document import MAX_FILE_BYTES

COMPACT = """\
name: t
seed: 7
replications: 2
horizon: {duration_h: 8, interval_min: 30}
call_types:
  - id: general
    arrivals: {rate_per_h: 252}
    handle_time: {dist: exponential, mean_s: 120}
centers:
  - id: main
    kind: provincial
    groups:
      - id: agents
        skills: [general]
        agents: 12
"""


def messages(text: str) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_text(text, "case.yaml")
    return [str(p) for p in exc.value.problems]


def test_the_compact_form_loads() -> None:
    assert load_text(COMPACT, "case.yaml").centers[0].groups[0].agents == 12


def test_leading_zeros_are_decimal_as_in_yaml_1_2() -> None:
    sc = load_text(COMPACT.replace("agents: 12", "agents: 012"), "case.yaml")
    assert sc.centers[0].groups[0].agents == 12  # YAML 1.1 would read octal 10
    sc = load_text(COMPACT.replace("agents: 12", "agents: 08"), "case.yaml")
    assert sc.centers[0].groups[0].agents == 8  # YAML 1.1 would read the text "08"


def test_a_clock_time_is_not_read_as_base_60() -> None:
    found = messages(COMPACT.replace("duration_h: 8", "duration_h: 8:00"))
    assert found == ["horizon.duration_h (line 4): must be a number, got '8:00'"]


def test_merge_keys_work_and_may_be_overridden() -> None:
    text = "x-talk: &talk {dist: exponential, mean_s: 120}\n" + COMPACT.replace(
        "handle_time: {dist: exponential, mean_s: 120}",
        "handle_time: {<<: *talk, mean_s: 100}",
    )
    sc = load_text(text, "case.yaml")
    assert sc.call_types[0].handle_time.mean_s == 100
    assert sc.call_types[0].handle_time.dist == "exponential"


def test_a_list_or_mapping_as_a_key_is_refused() -> None:
    for key in ("[a, b]", "{a: 1}"):
        found = messages(COMPACT + f"{key}: 1\n")
        assert found == [
            "line 16, column 1: is not valid YAML (a key must be a name, not a list or a mapping)"
        ]


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f"])
def test_control_characters_are_refused_with_their_place(char: str) -> None:
    found = messages(COMPACT.replace("seed: 7", f"seed: 7{char}"))
    assert found == [
        f"line 2, column 8: holds the control character U+{ord(char):04X}: is this a text file?"
    ]


def test_characters_yaml_does_not_allow_are_refused() -> None:
    found = messages(COMPACT.replace("name: t", "name: t\ufffe"))
    assert found == ["line 1, column 8: holds the character U+FFFE, which YAML does not allow"]


def test_a_file_above_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(COMPACT + "#" * MAX_FILE_BYTES + "\n")
    with pytest.raises(InputError) as exc:
        load_scenario(big)
    assert [p.rule for p in exc.value.problems] == [  # type: ignore[union-attr]
        f"is larger than {MAX_FILE_BYTES:,} bytes"
    ]


def test_an_empty_profile_and_a_negative_handler_count_give_one_true_problem_each() -> None:
    text = COMPACT.replace(
        "horizon: {duration_h: 8, interval_min: 30}",
        "horizon: {duration_h: 8, interval_min: 30}\ndemand: {daily_volume: 1000, profile: []}",
    ).replace("arrivals: {rate_per_h: 252}", "arrivals: {share: 1.0}")
    text += "    back_office:\n      - {id: bo, order_types: [], handlers: -1}\n"
    assert messages(text) == [
        "demand.profile (line 5): must have at least 1 item, got []",
        "centers[0].back_office[0].order_types (line 18): must have at least 1 item, got [] "
        "(at centers.main.back_office.bo.order_types)",
        "centers[0].back_office[0].handlers (line 18): must be >= 0, got -1 "
        "(at centers.main.back_office.bo.handlers)",
    ]


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_horizon_of_nan_or_infinity_is_refused(value: str) -> None:
    found = messages(COMPACT.replace("duration_h: 8", f"duration_h: {value}"))
    assert found == [
        f"horizon.duration_h (line 4): must be a finite number, got {value.replace('.', '')}"
    ]


@pytest.mark.parametrize("text", ["0x_", "+0o_", "0b_", "1" * 5000])
def test_whole_numbers_python_cannot_convert_are_refused(text: str) -> None:
    (found,) = messages(COMPACT.replace("seed: 7", f"seed: {text}"))
    assert found.startswith("line 2, column 7: is not valid YAML (")
    assert "is not a whole number ccsim reads" in found
