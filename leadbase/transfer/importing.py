"""Import from Close: read a source organization through its API, write it here, resumably.

The state file records how far the import got: whether the configuration was written and how
many leads (in the source's creation order) were copied. A rerun with the same file carries on
from there; the state is saved after each lead, so an interruption repeats at most the lead
being written when it came.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from leadbase.transfer.client import CloseApi
from leadbase.transfer.reader import read_configuration, read_leads
from leadbase.transfer.writer import AddMembers, Target


@dataclass
class ImportState:
    source: str
    configured: bool = False
    leads_done: int = 0

    @classmethod
    def open(cls, path: Path | None, source: str) -> ImportState:
        if path is None or not path.exists():
            return cls(source)
        state = cls(**json.loads(path.read_text(encoding="utf-8")))
        if state.source != source:
            raise ValueError(f"{path} records an import from {state.source}, not {source}")
        return state

    def save(self, path: Path | None) -> None:
        if path is not None:
            temporary = path.with_suffix(path.suffix + ".tmp")
            temporary.write_text(json.dumps(asdict(self)), encoding="utf-8")
            temporary.replace(path)  # atomic: an interruption leaves the old state or the new


def lead_count(api: CloseApi) -> int:
    return int(api.get("lead/", _limit=0).get("total_results") or 0)


def import_organization(
    source: CloseApi,
    target: CloseApi,
    state: ImportState,
    state_path: Path | None = None,
    each: Callable[[], None] | None = None,
    add_members: AddMembers | None = None,
) -> ImportState:
    configuration, names = read_configuration(source)
    writer = Target(target, add_members)
    # Matched by name, so a rerun finds what an earlier run wrote and writes only what is missing.
    writer.configure(configuration)
    state.configured = True
    state.save(state_path)
    for lead in read_leads(source, names, skip=state.leads_done):
        writer.lead(lead)
        state.leads_done += 1
        state.save(state_path)
        if each is not None:
            each()
    return state
