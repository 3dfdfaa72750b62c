"""html_url sends people to leadbase (its configured base URL, or the address the client used),
never to Close's site."""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from tests.support import Api, new_organization


def test_html_url_defaults_to_the_servers_own_address(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    assert lead["html_url"] == f"http://testserver/console/lead/{lead['id']}/"
    assert "close.com" not in lead["html_url"]


def test_html_url_follows_the_configured_base_url(database_url: str, engine: Engine) -> None:
    settings = Settings(database_url=database_url, rate_limit="off", html_base_url="https://crm.example.org/")
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            api = Api(client, new_organization(engine))
            lead = api.ok("POST", "lead/", json={"name": "Acme"})
            assert lead["html_url"] == f"https://crm.example.org/console/lead/{lead['id']}/"
            assert api.ok("GET", f"lead/{lead['id']}/")["html_url"] == lead["html_url"]
    finally:
        app.state.engine.dispose()


def test_the_default_setting_names_no_other_site() -> None:
    assert Settings().html_base_url is None
