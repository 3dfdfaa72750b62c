"""Issue 8, finding 1: concurrent updates of one object never lose an acknowledged write."""

from __future__ import annotations

from functools import partial
from typing import Any

from tests.races.chain import broken_links
from tests.races.conftest import RaceApi, no_server_errors, race

PAIRS = 10
THREADS = 16
ADDS_PER_THREAD = 4


def _lead_field(api: RaceApi, name: str, **extra: Any) -> str:
    created = api.ok("POST", "custom_field/lead/", {"name": name, "type": "text", **extra})
    return f"custom.{created['id']}"


def test_two_clients_setting_different_fields_of_one_lead_both_survive(race_api: RaceApi) -> None:
    first, second = _lead_field(race_api, "First"), _lead_field(race_api, "Second")
    lost = []
    for round_number in range(PAIRS):
        lead = race_api.ok("POST", "lead/", {"name": f"Pair {round_number}"})
        writes = [{first: f"one {round_number}"}, {second: f"two {round_number}"}]
        responses = race([partial(race_api.request, "PUT", f"lead/{lead['id']}/", w) for w in writes])
        no_server_errors(responses)
        assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
        final = race_api.ok("GET", f"lead/{lead['id']}/")
        if (final.get(first), final.get(second)) != (f"one {round_number}", f"two {round_number}"):
            lost.append(lead["id"])
        assert broken_links(race_api.events(lead["id"])) == []
    assert lost == [], f"{len(lost)} of {PAIRS} pairs lost a field"


def test_adding_to_a_multi_value_field_from_many_threads_loses_nothing(race_api: RaceApi) -> None:
    choices = [f"t{thread}-{n}" for thread in range(THREADS) for n in range(ADDS_PER_THREAD)]
    tags = _lead_field(race_api, "Tags", type="choices", choices=choices, accepts_multiple_values=True)
    lead = race_api.ok("POST", "lead/", {"name": "Many hands"})

    def add_mine(thread: int) -> list[Any]:
        answers = []
        for n in range(ADDS_PER_THREAD):
            response = race_api.request("PUT", f"lead/{lead['id']}/", {f"{tags}.add": f"t{thread}-{n}"})
            answers.append((f"t{thread}-{n}", response))
        return answers

    answers = [answer for mine in race([partial(add_mine, t) for t in range(THREADS)]) for answer in mine]
    no_server_errors([response for _, response in answers])
    acknowledged = {value for value, response in answers if response.status_code == 200}
    assert acknowledged == set(choices), [r.text for _, r in answers if r.status_code != 200][:3]
    final = race_api.ok("GET", f"lead/{lead['id']}/")
    missing = acknowledged - set(final.get(tags) or [])
    assert missing == set(), f"{len(missing)} of {len(acknowledged)} acknowledged adds are missing"
    events = race_api.events(lead["id"])
    assert len([e for e in events if e["action"] == "updated"]) == len(acknowledged)
    assert broken_links(events) == []


def test_contacts_added_at_once_all_show_in_the_leads_event_chain(race_api: RaceApi) -> None:
    """A contact write changes its lead (contact_ids): the lead's events must chain too."""
    lead = race_api.ok("POST", "lead/", {"name": "Crowded"})
    responses = race(
        [
            partial(race_api.request, "POST", "contact/", {"lead_id": lead["id"], "name": f"Person {i}"})
            for i in range(8)
        ]
    )
    no_server_errors(responses)
    assert [r.status_code for r in responses] == [200] * 8
    final = race_api.ok("GET", f"lead/{lead['id']}/")
    assert sorted(final["contact_ids"]) == sorted(r.json()["id"] for r in responses)
    events = race_api.events(lead["id"])
    assert broken_links(events) == []
    assert events[-1]["data"]["contact_ids"] == final["contact_ids"]
