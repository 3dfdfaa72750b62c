"""The interactive API documentation at /api/v1/docs, served whole by leadbase (no CDN).

The page is Swagger UI over the served /api/v1/openapi.json. Its script and stylesheet come
from the swagger-ui-bundle package and are served here, so the page works on a machine
without internet access; "Try it out" sends requests with the API key given in Authorize.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from swagger_ui_bundle import swagger_ui_path

from leadbase.api.responses import JSONResponse

ASSETS_PREFIX = "/static/docs"
# The files the page loads; nothing else in the bundle's folder is served.
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>leadbase: the Close REST API (v1)</title>
  <link rel="stylesheet" href="{assets}/swagger-ui.css">
  <link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
  <div id="docs"></div>
  <script src="{assets}/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "{openapi}",
      dom_id: "#docs",
      deepLinking: true,
      persistAuthorization: true
    }});
  </script>
</body>
</html>
"""


def add_docs_routes(app: FastAPI, prefix: str) -> None:
    folder = Path(swagger_ui_path)
    page = PAGE.format(assets=ASSETS_PREFIX, openapi=prefix + "/openapi.json")

    @app.get(prefix + "/docs", include_in_schema=False)
    def docs_page() -> Response:
        return HTMLResponse(page)

    # Paths arrive with a trailing slash added (see api/middleware.normalize_path).
    @app.get(ASSETS_PREFIX + "/{name}/", include_in_schema=False)
    def docs_asset(request: Request, name: str) -> Response:
        media_type = ASSETS.get(name)
        if media_type is None:
            return JSONResponse({"error": "Not found."}, status_code=404)
        return FileResponse(folder / name, media_type=media_type, headers={"Cache-Control": "max-age=86400"})
