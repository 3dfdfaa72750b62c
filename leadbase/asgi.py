"""The ASGI application uvicorn loads: settings come from LEADBASE_* variables."""

import gc

from leadbase.app import create_app, start_embedded_worker

app = create_app()
if app.state.settings.embedded_worker:
    # Jobs and webhook deliveries run beside the API in every server process, unless
    # LEADBASE_EMBEDDED_WORKER=false hands them to `leadbase worker` processes.
    start_embedded_worker(app)
# What start-up made (modules, the app, its routes and schemas) lives as long as the process: out
# of the collector's reach, a full collection no longer walks it. Those collections, set off by
# the objects a page of full leads allocates, took 50-70 ms in one request of thirty.
gc.collect()
gc.freeze()
