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
# A young-generation collection once 10,000 more containers are alive instead of 700. A page of
# 100 whole leads holds some 4,000 more when its body is written than when it began: that set off
# six collections of the youngest generation a request (and one of the middle every other), each
# walking the page built so far, 1.1 ms of a 17.5 ms request (bench/RESULTS.md). Reference counts
# free those objects once the answer is sent; the rare cycle is found a little later.
gc.set_threshold(10_000, 10, 10)
