"""Paths that several layers agree on without importing each other."""

from __future__ import annotations

# The web console (leadbase/console/) is mounted here; a lead's html_url points into it.
CONSOLE_PREFIX = "/console"


def console_lead_path(lead_id: str) -> str:
    return f"{CONSOLE_PREFIX}/lead/{lead_id}/"
