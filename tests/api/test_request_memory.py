"""A request's objects go when its answer is made, without the garbage collector.

Whatever the request memo holds may point back at the context (a CustomValues keeps its ctx,
and through it the connection). Left in the memo, that cycle outlived the request until a
collection found it: in steady serving of whole-lead pages, one collection every ~40 requests,
5-11 ms each (bench/RESULTS.md). `api/unit.run` empties the memo when the request ends. (An
error's traceback still holds the frames that raised it, and their context, until a
collection: errors are not the steady load this is about.)
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from leadbase.api import unit
from leadbase.db.context import Context
from tests.support import Api


@pytest.fixture
def contexts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[weakref.ref[Context]]]:
    """Weak references to the contexts of the requests made meanwhile, with the collector off."""
    made: list[weakref.ref[Context]] = []

    def recording(*args: object, **kwargs: object) -> Context:
        ctx = Context(*args, **kwargs)  # type: ignore[arg-type]
        made.append(weakref.ref(ctx))
        return ctx

    monkeypatch.setattr(unit, "Context", recording)
    gc.collect()
    gc.disable()
    try:
        yield made
    finally:
        gc.enable()


def _lead_with_custom_values(api: Api) -> None:
    field = api.ok("POST", "custom_field/lead/", json={"name": "Industry", "type": "text"})
    contact_field = api.ok("POST", "custom_field/contact/", json={"name": "Role", "type": "text"})
    api.ok(
        "POST",
        "lead/",
        json={
            "name": "Acme",
            f"custom.{field['id']}": "Fintech",
            "contacts": [
                {
                    "name": "Ann",
                    "emails": [{"email": "ann@acme.test"}],
                    f"custom.{contact_field['id']}": "CEO",
                }
            ],
        },
    )


def test_a_page_of_whole_leads_leaves_no_context_for_the_collector(
    api: Api, contexts: list[weakref.ref[Context]]
) -> None:
    _lead_with_custom_values(api)
    contexts.clear()
    body = api.ok("GET", "lead/")
    assert body["data"][0]["contacts"][0]["display_name"] == "Ann"
    assert contexts, "the request made no context"
    assert all(ref() is None for ref in contexts)
