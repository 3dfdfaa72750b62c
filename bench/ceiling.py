"""The ceiling: the same uvicorn answering a static JSON body from memory.

`app` is bare ASGI (the server's own ceiling); `framework_app` is a FastAPI `async def` route
returning the same bytes (the framework's own cost: no thread pool, no work).
Run with the settings `leadbase serve` gives uvicorn:

    python -m bench.ceiling --port 8100 --workers 1 --body-file body.json [--framework]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.responses import Response

BODY = Path(os.environ["BENCH_CEILING_BODY"]).read_bytes() if os.environ.get("BENCH_CEILING_BODY") else b"{}"
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


framework_app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@framework_app.get("/api/v1/lead/{object_id}/")
async def _lead(object_id: str) -> Response:
    return Response(BODY, media_type="application/json")


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--body-file", required=True)
    parser.add_argument("--framework", action="store_true", help="Serve through a FastAPI route.")
    args = parser.parse_args()
    os.environ["BENCH_CEILING_BODY"] = str(Path(args.body_file).resolve())
    # The same uvicorn.run arguments as `leadbase serve --no-access-log --log-level warning`.
    uvicorn.run(
        "bench.ceiling:framework_app" if args.framework else "bench.ceiling:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()
