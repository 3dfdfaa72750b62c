"""Issue 11: the lead query string translated into Close's JSON Advanced Filtering query (pure
translation: no database; the organization's names come from a fake resolver)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadbase.core.errors import BadRequest
from leadbase.search.query_string import CustomField, Translation, translate

CUSTOM = {
    "lead": {
        "cf_source": CustomField("cf_source", "choices"),
        "lead source": CustomField("cf_source", "choices"),
        "cf_size": CustomField("cf_size", "number"),
        "size": CustomField("cf_size", "number"),
        "renewal": CustomField("cf_renewal", "date"),
        "notes": CustomField("cf_notes", "text"),
        "owner": CustomField("cf_owner", "user"),
    },
    "opportunity": {"deal type": CustomField("cf_deal", "choices")},
    "contact": {"role": CustomField("cf_role", "text")},
}


class FakeResolver:
    def custom_field(self, object_type: str, name: str) -> CustomField | None:
        return CUSTOM.get(object_type, {}).get(name.lower())

    def status_ids(self, reference_type: str, label: str) -> list[str]:
        known = {
            "status.lead": {"qualified": "stat_qual", "potential": "stat_pot"},
            "status.opportunity": {"demo": "stat_demo"},
        }[reference_type]
        if label in known.values():
            return [label]
        return [known[label.lower()]] if label.lower() in known else []

    def saved_search_id(self, name_or_id: str) -> str | None:
        views = {"Hot leads": "save_hot"}
        return name_or_id if name_or_id in views.values() else views.get(name_or_id)

    def user_ids(self, value: str) -> list[str]:
        return ["user_ann"] if value in ("Ann Lee", "ann@example.com", "user_ann") else []


def tr(text: str, object_type: str = "lead", tz: float | None = None) -> Translation:
    return translate(text, object_type, FakeResolver(), tz)


def where(text: str, object_type: str = "lead") -> list[dict[str, Any]]:
    """The conditions after the object_type clause."""
    query = tr(text, object_type).query
    assert query["type"] == "and"
    assert query["queries"][0] == {"type": "object_type", "object_type": object_type}
    return list(query["queries"][1:])


def one(text: str, object_type: str = "lead") -> dict[str, Any]:
    (condition,) = where(text, object_type)
    return condition


def field(name: str, object_type: str = "lead") -> dict[str, Any]:
    return {"type": "regular_field", "object_type": object_type, "field_name": name}


def cond(name: str, condition: dict[str, Any], object_type: str = "lead") -> dict[str, Any]:
    return {"type": "field_condition", "field": field(name, object_type), "condition": condition}


def custom(cf_id: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "field_condition",
        "field": {"type": "custom_field", "custom_field_id": cf_id},
        "condition": condition,
    }


def related(this: str, other: str, query: dict[str, Any], negate: bool = False) -> dict[str, Any]:
    node = {
        "type": "has_related",
        "this_object_type": this,
        "related_object_type": other,
        "related_query": query,
    }
    return {**node, "negate": True} if negate else node


ANY = {"type": "and", "queries": []}


def fixed(value: str) -> dict[str, Any]:
    return {"type": "fixed_utc", "value": value}


# ---- the tap and the basics -----------------------------------------------------------------


def test_the_singer_tap_incremental_query() -> None:
    result = tr('date_updated>="2024-05-02T09:30:00" sort:date_updated')
    assert result.query["queries"][1:] == [
        cond("date_updated", {"type": "moment_range", "on_or_after": fixed("2024-05-02T09:30:00+00:00")})
    ]
    assert result.sort == [{"direction": "asc", "field": field("date_updated")}]


def test_star_and_empty_match_every_lead() -> None:
    for text in ("*", "", "  ", "* *"):
        assert tr(text).query == {"type": "and", "queries": [{"type": "object_type", "object_type": "lead"}]}


def test_several_sorts_keep_their_order_and_direction() -> None:
    assert tr("sort:-updated sort:name sort:-custom.size").sort == [
        {"direction": "desc", "field": field("date_updated")},
        {"direction": "asc", "field": field("name")},
        {"direction": "desc", "field": {"type": "custom_field", "custom_field_id": "cf_size"}},
    ]


def test_sort_by_an_unknown_field_is_400_with_its_position() -> None:
    with pytest.raises(BadRequest, match=r"'colour'.*character 8"):
        tr("name:a sort:colour")


# ---- text fields ----------------------------------------------------------------------------


def test_text_field_modes() -> None:
    assert one("name:acm") == cond("name", {"type": "text", "mode": "beginning_of_words", "value": "acm"})
    assert one('company:"Acme Inc"') == cond("name", {"type": "text", "mode": "phrase", "value": "Acme Inc"})
    assert one('name="Acme Inc"') == cond(
        "name", {"type": "text", "mode": "exact_value", "value": "Acme Inc"}
    )
    assert one("NAME: acme") == cond("name", {"type": "text", "mode": "beginning_of_words", "value": "acme"})
    assert one("description:*") == cond("description", {"type": "exists"})


def test_bare_words_and_phrases_are_full_text() -> None:
    assert where('acme "big co"') == [
        {"type": "text", "value": "acme", "mode": "full_words"},
        {"type": "text", "value": "big co", "mode": "phrase"},
    ]


def test_a_text_field_cannot_be_compared() -> None:
    with pytest.raises(BadRequest, match="character 1"):
        tr("name > b")


# ---- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('created >= "2024-06-02"', {"on_or_after": fixed("2024-06-02T00:00:00+00:00")}),
        ("created > 2024-06-02", {"on_or_after": fixed("2024-06-03T00:00:00+00:00")}),
        ("created < 2024-06-02", {"before": fixed("2024-06-02T00:00:00+00:00")}),
        ("created <= 2024-06-02", {"before": fixed("2024-06-03T00:00:00+00:00")}),
        (
            "created:2024-06-02",
            {"on_or_after": fixed("2024-06-02T00:00:00+00:00"), "before": fixed("2024-06-03T00:00:00+00:00")},
        ),
        ('date_created>"2024-06-02T10:00:00Z"', {"on_or_after": fixed("2024-06-02T10:00:00.000001+00:00")}),
        ('date_created<="2024-06-02T10:00:00+02:00"', {"before": fixed("2024-06-02T08:00:00.000001+00:00")}),
    ],
)
def test_absolute_dates(text: str, expected: dict[str, Any]) -> None:
    assert one(text) == cond("date_created", {"type": "moment_range", **expected})


def test_a_date_alone_is_its_midnight_in_the_callers_zone() -> None:
    query = tr("created >= 2024-06-02", tz=2).query
    assert query["queries"][1]["condition"]["on_or_after"] == fixed("2024-06-01T22:00:00+00:00")


def period(name: str, which: str) -> dict[str, Any]:
    return {"type": "start_end_of_predefined_relative_period", "range": name, "which": which}


def test_named_periods() -> None:
    assert one("updated:today")["condition"] == {
        "type": "moment_range",
        "on_or_after": period("today", "start"),
        "before": period("today", "end"),
    }
    assert one('updated < "last week"')["condition"] == {
        "type": "moment_range",
        "before": period("last-week", "start"),
    }
    assert one('updated >= "this quarter"')["condition"]["on_or_after"] == period("this-quarter", "start")
    assert one("updated > yesterday")["condition"]["on_or_after"] == period("yesterday", "end")
    assert one("updated <= now")["condition"]["before"] == {"type": "now"}


def offset(direction: str, unit: str, count: int, day_end: str | None) -> dict[str, Any]:
    units = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
    moment: dict[str, Any] = {
        "type": "offset",
        "direction": direction,
        "moment": {"type": "now"},
        "offset": {u: count if u == unit else 0 for u in units},
    }
    return {**moment, "which_day_end": day_end} if day_end else moment


def test_relative_dates() -> None:
    assert one('created >= "2 weeks ago"')["condition"] == {
        "type": "moment_range",
        "on_or_after": offset("past", "weeks", 2, "start"),
    }
    assert one('created < "1 day ago"')["condition"]["before"] == offset("past", "days", 1, "start")
    assert one('created <= "1 day ago"')["condition"]["before"] == offset("past", "days", 1, "end")
    assert one('created > "3 hours ago"')["condition"]["on_or_after"] == offset("past", "hours", 3, None)
    assert one('created < "in 3 months"')["condition"]["before"] == offset("future", "months", 3, "start")
    assert one('created < "10 minutes from now"')["condition"]["before"] == offset(
        "future", "minutes", 10, None
    )


@pytest.mark.parametrize(
    "value", ["soon", "2 days", "in 2 days ago", "2024-13-40", "9999-12-31T23:59:59-12:00"]
)
def test_what_is_no_date_is_400_naming_the_value(value: str) -> None:
    with pytest.raises(BadRequest, match="Not a valid date"):
        tr(f'created >= "{value}"')


# ---- numbers and counts ---------------------------------------------------------------------


def test_counts() -> None:
    assert one("contacts > 1") == cond("contacts_count", {"type": "number_range", "gt": 1})
    assert one("opportunities:2") == cond("opportunities_count", {"type": "number_range", "gte": 2, "lte": 2})
    assert one("addresses>1") == cond("addresses_count", {"type": "number_range", "gt": 1})
    assert one("sms_messages > 0") == cond("num_sms", {"type": "number_range", "gt": 0})
    assert one("num_calls >= 2") == cond("num_calls", {"type": "number_range", "gte": 2})
    assert one("calls:3") == cond("num_calls", {"type": "number_range", "gte": 3, "lte": 3})
    assert one("emails<2.5") == cond("num_emails", {"type": "number_range", "lt": 2.5})


@pytest.mark.parametrize("text", ["contacts > 0", "contacts >= 1", "contacts > 0.5", "contacts>=0.5"])
def test_a_count_of_children_above_zero_is_has_related(text: str) -> None:
    assert one(text) == related("lead", "contact", ANY)


@pytest.mark.parametrize("text", ["tasks:0", "tasks < 1", "tasks <= 0", "tasks<0.5"])
def test_a_count_of_children_of_zero_is_a_negated_has_related(text: str) -> None:
    assert one(text) == related("lead", "task", ANY, negate=True)


def test_a_count_that_always_or_never_holds() -> None:
    assert where("contacts >= 0") == []
    assert where("contacts < 0") == [{**ANY, "negate": True}]


@pytest.mark.parametrize("value", ["many", "nan", "inf", "1e999"])
def test_a_count_needs_a_number(value: str) -> None:
    with pytest.raises(BadRequest, match="expects a number"):
        tr(f"contacts > {value}")


# ---- references -----------------------------------------------------------------------------


def test_status_by_label_or_id_and_unknown_matches_nothing() -> None:
    by_label = {"type": "reference", "reference_type": "status.lead", "object_ids": ["stat_qual"]}
    assert one("status:qualified") == cond("status_id", by_label)
    assert one('lead_status:"Qualified"') == cond("status_id", by_label)
    assert one("status:stat_qual") == cond("status_id", by_label)
    assert one("status:nosuch") == cond(
        "status_id", {"type": "reference", "reference_type": "status.lead", "object_ids": []}
    )


def test_users_and_me() -> None:
    assert one('created_by:"Ann Lee"') == cond(
        "created_by", {"type": "reference", "reference_type": "user", "object_ids": ["user_ann"]}
    )
    assert one("updated_by:me") == cond("updated_by", {"type": "current_user"})


def test_ids() -> None:
    assert where("id:lead_a or lead_id:lead_b") == [
        {"type": "or", "queries": [{"type": "id", "value": "lead_a"}, {"type": "id", "value": "lead_b"}]}
    ]


# ---- custom fields --------------------------------------------------------------------------


def test_custom_fields_by_name_or_id_with_their_types_condition() -> None:
    assert one("custom.cf_source:Web") == custom("cf_source", {"type": "term", "values": ["Web"]})
    assert one('"custom.Lead Source":Web') == custom("cf_source", {"type": "term", "values": ["Web"]})
    assert one("custom.Size > 10") == custom("cf_size", {"type": "number_range", "gt": 10})
    assert one('custom.renewal < "2025-01-01"') == custom(
        "cf_renewal", {"type": "moment_range", "before": fixed("2025-01-01T00:00:00+00:00")}
    )
    assert one("custom.notes:urgent") == custom(
        "cf_notes", {"type": "text", "mode": "beginning_of_words", "value": "urgent"}
    )
    assert one('custom.owner:"ann@example.com"') == custom(
        "cf_owner", {"type": "reference", "reference_type": "user", "object_ids": ["user_ann"]}
    )


def test_custom_star_and_not_star() -> None:
    assert one('"custom.Lead Source":*') == custom("cf_source", {"type": "exists"})
    assert one("not custom.size:*") == {**custom("cf_size", {"type": "exists"}), "negate": True}
    assert one("has:custom.size") == custom("cf_size", {"type": "exists"})


def test_an_unknown_custom_field_is_400_with_its_name_and_position() -> None:
    with pytest.raises(BadRequest, match=r"'Colour'.*character 8"):
        tr('name:a "custom.Colour":red')


# ---- has: and relations ---------------------------------------------------------------------


def test_has() -> None:
    assert one("has:calls") == related("lead", "activity.call", ANY)
    assert one("has:opportunities") == related("lead", "opportunity", ANY)
    assert one("has:email_address") == related("lead", "contact", related("contact", "contact_email", ANY))
    assert one("has:phone_number") == related("lead", "contact", related("contact", "contact_phone", ANY))
    assert one("not has:emails") == related("lead", "activity.email", ANY, negate=True)
    assert one("has:url") == cond("url", {"type": "exists"})
    with pytest.raises(BadRequest, match="has:wings"):
        tr("has:wings")


def test_email_and_phone_reach_through_contacts() -> None:
    assert one("email_address:ada@example.org") == related(
        "lead",
        "contact",
        related(
            "contact",
            "contact_email",
            cond(
                "email", {"type": "text", "mode": "exact_value", "value": "ada@example.org"}, "contact_email"
            ),
        ),
    )
    assert one("email:example.org") == related(
        "lead",
        "contact",
        related(
            "contact",
            "contact_email",
            cond(
                "email",
                {"type": "text", "mode": "phrase", "value": "example.org"},
                "contact_email",
            ),
        ),
    )
    assert one('phone:"+1 555 0100"') == related(
        "lead",
        "contact",
        related(
            "contact",
            "contact_phone",
            cond("phone", {"type": "text", "mode": "exact_value", "value": "+1 555 0100"}, "contact_phone"),
        ),
    )
    assert one("email_address:*") == related("lead", "contact", related("contact", "contact_email", ANY))


def test_activity_sub_queries() -> None:
    assert one('call( date >= "2024-01-01" direction:outbound duration > 60 )') == related(
        "lead",
        "activity.call",
        {
            "type": "and",
            "queries": [
                cond(
                    "activity_at",
                    {"type": "moment_range", "on_or_after": fixed("2024-01-01T00:00:00+00:00")},
                    "activity.call",
                ),
                cond("direction", {"type": "term", "values": ["outbound"]}, "activity.call"),
                cond("duration", {"type": "number_range", "gt": 60}, "activity.call"),
            ],
        },
    )
    assert one("sms()") == related("lead", "activity.sms", ANY)
    assert one("not email(direction:inbound)") == related(
        "lead",
        "activity.email",
        cond("direction", {"type": "term", "values": ["inbound"]}, "activity.email"),
        negate=True,
    )


def test_contact_and_opportunity_sub_queries_nest() -> None:
    assert one("contact(sequence_subscription(sequence:*))") == related(
        "lead",
        "contact",
        related(
            "contact",
            "sequence_subscription",
            cond("sequence_id", {"type": "exists"}, "sequence_subscription"),
        ),
    )
    assert one('contact(title:CEO email:"a@b.co")') == related(
        "lead",
        "contact",
        {
            "type": "and",
            "queries": [
                cond("title", {"type": "text", "mode": "beginning_of_words", "value": "CEO"}, "contact"),
                related(
                    "contact",
                    "contact_email",
                    cond(
                        "email", {"type": "text", "mode": "exact_value", "value": "a@b.co"}, "contact_email"
                    ),
                ),
            ],
        },
    )
    won = one('opportunity(status:won date_won >= "last quarter")')
    assert won["related_object_type"] == "opportunity"
    assert won["related_query"]["queries"] == [
        cond("status_type", {"type": "term", "values": ["won"]}, "opportunity"),
        cond(
            "date_won",
            {"type": "moment_range", "on_or_after": period("last-quarter", "start")},
            "opportunity",
        ),
    ]
    assert one("opportunity(status:Demo)")["related_query"] == cond(
        "status_id",
        {"type": "reference", "reference_type": "status.opportunity", "object_ids": ["stat_demo"]},
        "opportunity",
    )
    assert one('opportunity("custom.Deal Type":New)')["related_query"] == custom(
        "cf_deal", {"type": "term", "values": ["New"]}
    )


def test_legacy_opportunity_shorthand() -> None:
    assert one("opportunity_value >= 1000") == related(
        "lead", "opportunity", cond("value", {"type": "number_range", "gte": 1000}, "opportunity")
    )


def test_an_unknown_sub_query_or_field_inside_it_is_400() -> None:
    with pytest.raises(BadRequest, match=r"fax\(\.\.\.\) at character 8"):
        tr("name:a fax(x:1)")
    with pytest.raises(BadRequest, match=r"'wings' at character 6"):
        tr("call(wings:2)")


# ---- smart views ----------------------------------------------------------------------------


def test_smart_views_by_name_or_id() -> None:
    assert one('in:"Hot leads"') == {"type": "saved_search", "saved_search_id": "save_hot"}
    assert one("in:save_hot") == {"type": "saved_search", "saved_search_id": "save_hot"}
    with pytest.raises(BadRequest, match="No smart view named 'Cold'"):
        tr('in:"Cold"')


# ---- boolean structure ----------------------------------------------------------------------


def test_not_or_and_parentheses() -> None:
    assert where("(status:qualified or status:potential) not name:test") == [
        {
            "type": "or",
            "queries": [
                cond(
                    "status_id",
                    {"type": "reference", "reference_type": "status.lead", "object_ids": ["stat_qual"]},
                ),
                cond(
                    "status_id",
                    {"type": "reference", "reference_type": "status.lead", "object_ids": ["stat_pot"]},
                ),
            ],
        },
        {**cond("name", {"type": "text", "mode": "beginning_of_words", "value": "test"}), "negate": True},
    ]
    assert one("not (name:a name:b)")["negate"] is True
    assert one("not not name:a") == cond("name", {"type": "text", "mode": "beginning_of_words", "value": "a"})


def test_unknown_field_and_bad_slices_are_400_with_positions() -> None:
    with pytest.raises(BadRequest, match=r"'colour' at character 8"):
        tr("name:a colour:red")
    for wrong in ("slice:0/4", "slice:5/4", "slice:a/4", "slice:1", "slice>1/4"):
        with pytest.raises(BadRequest, match="slice"):
            tr(wrong)


def test_parse_errors_name_the_position() -> None:
    with pytest.raises(BadRequest, match="character 8"):
        tr('name:a "unclosed')
    with pytest.raises(BadRequest, match="parenthesis at character 8 is not closed"):
        tr("name:a call((direction:in)")
    with pytest.raises(BadRequest, match="character 8"):
        tr("name:a )")


# ---- other object types ---------------------------------------------------------------------


def test_opportunity_query_and_its_lead() -> None:
    assert where("value >= 1000 lead(status:qualified)", "opportunity") == [
        cond("value", {"type": "number_range", "gte": 1000}, "opportunity"),
        related(
            "opportunity",
            "lead",
            cond(
                "status_id",
                {"type": "reference", "reference_type": "status.lead", "object_ids": ["stat_qual"]},
            ),
        ),
    ]
    assert tr("sort:-value", "opportunity").sort == [
        {"direction": "desc", "field": field("value", "opportunity")}
    ]


def test_contact_query() -> None:
    assert where("title:ceo custom.role:buyer", "contact") == [
        cond("title", {"type": "text", "mode": "beginning_of_words", "value": "ceo"}, "contact"),
        custom("cf_role", {"type": "text", "mode": "beginning_of_words", "value": "buyer"}),
    ]


QUERY_ALPHABET = st.sampled_from(
    [
        *list("()\"'\\ :<>=*-ab01"),
        "and ",
        "or ",
        "not ",
        "sort:",
        "status:",
        "call(",
        "has:",
        "custom.size",
        "contacts",
        "created",
        "in:",
        "today",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(QUERY_ALPHABET, max_size=40).map("".join))
def test_any_text_translates_or_is_a_bad_request(text: str) -> None:
    try:
        result = tr(text)
    except BadRequest:
        return
    assert result.query["queries"][0] == {"type": "object_type", "object_type": "lead"}
    assert tr(text) == result
