"""Asserting validation messages."""

import pytest

from ccsim.errors import InputError
from ccsim.scenario import parse_scenario


def problems(data):
    """Every problem message of an invalid scenario mapping."""
    with pytest.raises(InputError) as exc:
        parse_scenario(data)
    return [str(p) for p in exc.value.problems]


def has(data, text):
    """The scenario is invalid and one of its messages contains ``text``."""
    found = problems(data)
    assert any(text in p for p in found), found
