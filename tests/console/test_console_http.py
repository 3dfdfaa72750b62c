"""The console over HTTP: sessions, CSRF, cookie flags, tenancy, forms with the API's messages."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from leadbase.db.accounts import delete_api_key
from leadbase.db.models import server_secret
from tests.console.conftest import Browser
from tests.support import Api


def test_pages_need_a_signed_in_session(browser: Browser) -> None:
    response = browser.get("/console/leads/?query=name:acme")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/sign-in/?next=/console/leads/%3Fquery%3Dname%3Aacme"


def test_a_wrong_key_is_refused_and_a_good_one_signs_in(browser: Browser, api: Api) -> None:
    browser.get("/console/sign-in/")
    refused = browser.post("/console/sign-in/", {"api_key": "not-a-key"})
    assert refused.status_code == 400
    assert "That API key was not accepted." in refused.text
    assert browser.get("/console/leads/").status_code == 303

    accepted = browser.post("/console/sign-in/", {"api_key": api.org.api_key, "next": "/console/model/"})
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/console/model/"
    page = browser.get("/console/leads/")
    assert page.status_code == 200
    assert "Leads" in page.text


def test_sign_in_never_redirects_outside_the_console(browser: Browser, api: Api) -> None:
    browser.get("/console/sign-in/")
    response = browser.post(
        "/console/sign-in/", {"api_key": api.org.api_key, "next": "https://evil.example.com/"}
    )
    assert response.headers["location"] == "/console/leads/"


def test_the_session_cookie_is_signed_httponly_samesite_and_scoped(browser: Browser) -> None:
    response = browser.get("/console/sign-in/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("leadbase_console=")
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "path=/console" in flags
    assert "secure" not in flags  # plain HTTP here


def test_the_cookie_is_secure_over_https(make_browser: Callable[..., Browser]) -> None:
    browser = make_browser(base_url="https://testserver")
    cookie = browser.get("/console/sign-in/").headers["set-cookie"]
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}


def test_a_forged_cookie_is_a_new_anonymous_session(signed_in: Browser) -> None:
    value = signed_in.http.cookies["leadbase_console"]
    signed_in.http.cookies.set("leadbase_console", value[:-2] + "xx", path="/console")
    assert signed_in.get("/console/leads/").status_code == 303


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(signed_in: Browser, api: Api) -> None:
    response = signed_in.post("/console/leads/new/", {"name": "Acme"}, token=False)
    assert response.status_code == 403
    response = signed_in.post("/console/leads/new/", {"name": "Acme", "csrf_token": "guess"}, token=False)
    assert response.status_code == 403
    assert api.ok("GET", "lead/")["data"] == []
    # Sign-in is a form too: a cross-site post cannot sign someone into the attacker's account.
    assert signed_in.post("/console/sign-in/", {"api_key": api.org.api_key}, token=False).status_code == 403


def test_create_a_lead_and_see_the_api_s_validation_messages(signed_in: Browser, api: Api) -> None:
    field = api.ok("POST", "custom_field/lead/", json={"name": "Seats", "type": "number"})
    signed_in.get("/console/leads/new/")
    bad = signed_in.post("/console/leads/new/", {"name": "Acme", f"custom.{field['id']}": "many"})
    assert bad.status_code == 400
    api_answer = api.post("lead/", json={"name": "Acme", f"custom.{field['id']}": "many"}).json()
    for message in api_answer["field-errors"].values():
        assert str(message) in bad.text
    assert api.ok("GET", "lead/")["data"] == []

    made = signed_in.post("/console/leads/new/", {"name": "Acme", f"custom.{field['id']}": "12"})
    assert made.status_code == 303
    (lead,) = api.ok("GET", "lead/")["data"]
    assert made.headers["location"] == f"/console/lead/{lead['id']}/"
    assert lead[f"custom.{field['id']}"] == 12


def test_another_organizations_ids_are_a_404(signed_in: Browser, make_api: Callable[..., Api]) -> None:
    other = make_api()
    lead = other.ok("POST", "lead/", json={"name": "Theirs", "contacts": [{"name": "Ann"}]})
    cotype = other.ok(
        "POST", "custom_object_type/", json={"name": "Policy", "name_plural": "Policies"}, expected=201
    )
    for path in (
        f"/console/lead/{lead['id']}/",
        f"/console/lead/{lead['id']}/edit/",
        f"/console/contact/{lead['contacts'][0]['id']}/edit/",
        f"/console/model/custom_object_type/{cotype['id']}/",
        f"/console/lead/{lead['id']}/custom_objects/new/?type={cotype['id']}",
    ):
        response = signed_in.get(path)
        assert response.status_code == 404, path
        assert "Theirs" not in response.text
    edit = signed_in.post(f"/console/lead/{lead['id']}/edit/", {"name": "Mine now"})
    assert edit.status_code == 404
    assert other.ok("GET", f"lead/{lead['id']}/")["name"] == "Theirs"


def test_leads_list_searches_with_the_query_language_and_shows_chosen_columns(
    signed_in: Browser, api: Api
) -> None:
    field = api.ok("POST", "custom_field/lead/", json={"name": "Industry", "type": "text"})
    api.ok("POST", "lead/", json={"name": "Acme Rockets", f"custom.{field['id']}": "Aerospace"})
    api.ok("POST", "lead/", json={"name": "Bolt Bakery", f"custom.{field['id']}": "Food"})
    page = signed_in.get(f"/console/leads/?query=name:acme&col={field['id']}")
    assert "Acme Rockets" in page.text
    assert "Bolt Bakery" not in page.text
    assert "Aerospace" in page.text
    broken = signed_in.get("/console/leads/?query=name:(")
    assert broken.status_code == 400
    assert 'id="query-error"' in broken.text


def test_html_url_points_at_the_console_page(signed_in: Browser, api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    assert lead["html_url"] == f"http://testserver/console/lead/{lead['id']}/"
    page = signed_in.get(lead["html_url"].removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "Acme" in page.text


def test_a_revoked_key_ends_the_session(signed_in: Browser, api: Api) -> None:
    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            delete_api_key(conn, api.org.api_key_id)
    response = signed_in.get("/console/leads/")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/sign-in/"
    # Signed out for good: the next page asks for a key again without calling the API.
    assert signed_in.get("/console/model/").headers["location"].startswith("/console/sign-in/?next=")


def test_the_cookie_key_is_generated_once_and_kept_in_the_database(signed_in: Browser, api: Api) -> None:
    with api.engine.connect() as conn:
        rows = conn.execute(
            select(server_secret.c.value).where(server_secret.c.name == "console_session")
        ).all()
    assert len(rows) == 1
    assert len(rows[0].value) == 64


def test_without_the_admin_api_the_admin_sign_in_is_not_offered(browser: Browser) -> None:
    page = browser.get("/console/sign-in/")
    assert page.status_code == 200
    assert "Admin token" not in page.text and "/admin/sign-in/" not in page.text
    refused = browser.post("/console/admin/sign-in/", {"admin_token": "anything"})
    assert refused.status_code == 404
    assert browser.get("/console/organizations/").status_code == 303
