"""The fixture file: an organization's configuration and data, by name, without ids or dates.

One document serves `leadbase seed` (input), `leadbase export-org` (output) and import from
Close (what is read from the source, then written). References are by name: a lead's
`status: Qualified`, an opportunity's `status` and `pipeline`, custom field values keyed by the
field's name, a custom object's `type`. So a file is readable, writable by hand, and the same
whichever organization (and ids) it came from: export then seed compares equal.

    users: [{email: ann@acme.test, first_name: Ann, last_name: Smith}]
    lead_statuses: [Potential, Qualified]
    pipelines: [{name: Sales, statuses: [{label: Active, type: active}, ...]}]
    custom_object_types: [{name: Project, name_plural: Projects, fields: [FIELD...]}]
    custom_fields: {lead: [FIELD...], contact: [...], opportunity: [...]}
    shared_custom_fields: [{FIELD..., associations: [lead, contact]}]
    custom_activity_types: [{name: Site visit, description: ..., fields: [FIELD...]}]
    leads:
      - name: Acme
        status: Qualified
        custom: {Segment: Enterprise}
        contacts: [{name: Ann, emails: [{email: ann@acme.test, type: office}]}]
        opportunities:
          - {status: Won, pipeline: Sales, value: 5000, note: ...,
             status_changes: [{old_status: Active, old_pipeline: Sales,
                               new_status: Won, new_pipeline: Sales}]}
        custom_objects: [{type: Project, name: Rollout, custom: {...}}]
        notes: [{note: Called Ann}]
        calls: [{direction: outbound, duration: 120, phone: "+14155550100", note: Left a voicemail}]
        tasks: [{text: Follow up, date: "2026-12-24", is_complete: false}]
        emails: [{direction: outgoing, status: sent, sender: bo@sales.test, to: [ann@acme.test],
                  subject: Hello, body_text: ...}]
        sms: [{direction: inbound, status: inbox, local_phone: "+14155550199",
               remote_phone: "+14155550100", text: ...}]
        custom_activities: [{type: Site visit, custom: {Rating: 4}}]
        status_changes: [{old_status: Potential, new_status: Qualified}]

`users` are made members of the organization written to (matched by email, created when no
user has it) by the callers that can (seed, import, the pytest plugin). Activities carry no
dates and no author: written, they are dated now and by the key's user.

A FIELD is {name, type, description, choices, accepts_multiple_values, referenced_type}.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

Document = dict[str, Any]

SECTIONS = (
    "users",
    "lead_statuses",
    "pipelines",
    "custom_object_types",
    "custom_fields",
    "shared_custom_fields",
    "custom_activity_types",
    "leads",
)
FIELD_KINDS = ("lead", "contact", "opportunity")


class DocumentError(ValueError):
    """The file is not a fixture document; the message says where."""


def load_document(path: Path) -> Document:
    """A YAML or JSON file (JSON is YAML too, but its own parser is faster on big files)."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise DocumentError(
            f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {exc}"
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DocumentError(f"{path}: expected a mapping with sections {', '.join(SECTIONS)}")
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise DocumentError(f"{path}: unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    return data


def dump_document(document: Document, path: Path | None) -> str:
    """YAML, unless the path ends in .json; written to `path` when given."""
    if path is not None and path.suffix.lower() == ".json":
        text = json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
    else:
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=False)
    if path is not None:
        path.write_text(text, encoding="utf-8")
    return text
