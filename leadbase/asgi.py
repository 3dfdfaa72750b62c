"""The ASGI application uvicorn loads: settings come from LEADBASE_* variables."""

from leadbase.app import create_app, start_embedded_worker

app = create_app()
if app.state.settings.embedded_worker:
    # Jobs and webhook deliveries run beside the API in every server process, unless
    # LEADBASE_EMBEDDED_WORKER=false hands them to `leadbase worker` processes.
    start_embedded_worker(app)
