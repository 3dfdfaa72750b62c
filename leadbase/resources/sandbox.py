"""Jinja's sandbox, set up in one place for every template a user writes: integration link URLs
(resources/links.py) and email and SMS templates (resources/merge_tags.py).

The sandbox refuses attributes that lead out of the data (`__class__`, `mro`, function globals),
caps `range`, and keeps user templates from calling anything unsafe. The templates of outreach
go further and accept only variables, filters and `if` (merge_tags.py checks the parsed tree), so
the sandbox is their second wall.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2.sandbox import SandboxedEnvironment


def sandboxed(
    *, autoescape: bool = False, finalize: Callable[[Any], Any] | None = None
) -> SandboxedEnvironment:
    """A sandboxed environment for user-written templates; no loader, no file or module access."""
    return SandboxedEnvironment(
        autoescape=autoescape,
        finalize=finalize,
        # A user's template is text in a row, compiled at most once per process per text.
        cache_size=0,
        auto_reload=False,
    )
