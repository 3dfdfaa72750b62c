"""Phone numbers as people type them (core/phones.py)."""

from __future__ import annotations

import pytest

from leadbase.core.phones import typed_number


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("(415) 555-0100", "US", "+14155550100"),
        ("415.555.0100", "US", "+14155550100"),
        (" +1 415 555 0100 ", "US", "+14155550100"),
        ("14155550100", "US", "+14155550100"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+44 20 7946 0958", "US", "+442079460958"),
    ],
)
def test_a_whole_number_in_any_usual_notation(typed: str, region: str, stored: str) -> None:
    assert typed_number(typed, region) == stored


@pytest.mark.parametrize(
    "typed", ["555", "555-01", "ann@acme.test", "call 4155550100", "", "+1 (415) abc-0100"]
)
def test_anything_else_is_not_a_number(typed: str) -> None:
    assert typed_number(typed, "US") is None
