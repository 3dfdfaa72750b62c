"""The served OpenAPI description, with paths written as Close writes them (`/lead/{id}/`)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from leadbase import __version__

BASIC_AUTH = {
    "type": "http",
    "scheme": "basic",
    "description": "Your API key as the user name, with an empty password.",
}


def build_openapi(app: FastAPI, prefix: str) -> dict[str, Any]:
    schema = get_openapi(
        title="leadbase: the Close REST API (v1)",
        version=__version__,
        description="A self-hosted server for Close's REST API. Paths are relative to the server URL.",
        routes=app.routes,
    )
    paths: dict[str, Any] = {}
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith(prefix + "/"):
            continue
        for operation in operations.values():
            operation.setdefault("security", [{"basicAuth": []}])
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for code, text in (
                ("400", "Invalid request"),
                ("401", "Missing or unknown API key"),
                ("404", "Not found"),
            ):
                responses.setdefault(code, {"description": text})
        paths[path[len(prefix) :]] = operations
    schema["paths"] = paths
    schema["servers"] = [{"url": prefix}]
    schema.setdefault("components", {}).setdefault("securitySchemes", {})["basicAuth"] = BASIC_AUTH
    schemas = schema["components"].get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return schema
