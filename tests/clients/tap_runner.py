"""Runs tap-closeio against a base URL (the tap has no setting for it): used by the tests.

Executed with the tap's own interpreter (.venv-tap), never imported by the test suite:
    python tap_runner.py http://127.0.0.1:PORT/api/v1 -c config.json [--catalog catalog.json]
"""

import sys

import tap_closeio
import tap_closeio.http

tap_closeio.http.BASE_URL = sys.argv[1].rstrip("/")
sys.argv = ["tap-closeio", *sys.argv[2:]]
tap_closeio.main()
