"""core.names.name_key: names a reader cannot tell apart share a key; different names do not."""

from __future__ import annotations

import unicodedata

import pytest

from leadbase.core.names import MAX_KEY_BYTES, name_key
from leadbase.db.integrity import constraint_names
from leadbase.db.resource import resources
from leadbase.resources import load_all

FULLWIDTH_HOT = "\uff28\uff2f\uff34"


@pytest.mark.parametrize(
    "spelling",
    [
        "Hot",
        "HOT",
        " hot ",
        FULLWIDTH_HOT,
        "H\u200bot",  # zero-width space
        "Ho\u00adt",  # soft hyphen
        "\ufeffHot",  # byte-order mark
        "Hot\u2060",  # word joiner
        "Ho\u200dt",  # zero-width joiner
        "Hot\ufe0f",  # variation selector
    ],
)
def test_look_alikes_share_a_key(spelling: str) -> None:
    assert name_key(spelling) == "hot"


def test_composed_and_decomposed_accents_meet_and_case_folds_fully() -> None:
    assert name_key(unicodedata.normalize("NFD", "Café")) == name_key("CAFÉ") == "café"
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("ﬁle") == name_key("file")  # ligature


def test_runs_of_white_space_count_as_one_space() -> None:
    assert name_key("Hot\u00a0 \tLead") == name_key("hot lead") == "hot lead"
    assert name_key("Hot\u3000Lead") == "hot lead"  # ideographic space


@pytest.mark.parametrize(("one", "other"), [("Hot", "Hat"), ("café", "cafe"), ("hot lead", "hotlead")])
def test_different_names_keep_different_keys(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


def test_a_long_name_gets_a_short_key_that_still_tells_names_apart() -> None:
    long_name = "\ufdfa" * 255  # each expands to 18 letters under NFKC
    key = name_key(long_name)
    assert len(key.encode()) <= MAX_KEY_BYTES
    assert key == name_key(long_name.upper())
    assert key != name_key("\ufdfa" * 254)


def test_every_constraint_a_service_translates_exists() -> None:
    load_all()
    known = constraint_names()
    translated = {spec.name: set(spec.service.violations) for spec in resources}
    assert translated["lead"] == {"fk_lead_status_id_lead_status"}
    for name, violations in translated.items():
        assert violations <= known, (name, violations - known)
