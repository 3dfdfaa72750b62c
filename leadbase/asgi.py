"""The ASGI application uvicorn loads: settings come from LEADBASE_* variables."""

from leadbase.app import create_app

app = create_app()
