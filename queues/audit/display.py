"""An audit event's parameters as labelled values a person reads, not a Python dict's repr.

message_ids=['3f…', '9a…', …]  →  Message IDs: "100 message IDs" (folded, unfolds to the list)
attributes={'DelaySeconds': '5'}  →  Attributes: DelaySeconds = 5
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any

from django.template.defaultfilters import truncatechars
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from .models import AuditEvent

# Lists and mappings longer than this are folded behind a "<count> <what>" summary.
FOLD_AFTER = 3
# Outcome labels as get_outcome_display() gives them, without its lookup through Django's hashable
# choices (a third of an audit row's time).
_OUTCOMES = dict(AuditEvent.Outcome.choices)
_WORDS = {"id": "ID", "ids": "IDs", "arn": "ARN", "url": "URL", "kms": "KMS", "fifo": "FIFO"}


@dataclass(frozen=True)
class Detail:
    """One parameter: its label and either a short text or a list of items (folded when long)."""

    label: str
    text: str = ""
    items: tuple[str, ...] = ()
    summary: str = ""  # set when the items are folded: "100 message IDs"


def label_for(key: str) -> str:
    """`message_ids` → "Message IDs", `tags_set` → "Tags set"."""
    words = [_WORDS.get(word, word) for word in key.split("_") if word]
    if not words:
        return key
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _noun(label: str) -> str:
    """The label as the summary's noun: "Message IDs" → "message IDs", "ARN" stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def describe(parameters: dict[str, Any] | None) -> list[Detail]:
    """Each parameter as a Detail, in the order they were recorded."""
    details = []
    for key, value in (parameters or {}).items():
        label = label_for(str(key))
        if isinstance(value, dict):
            items = tuple(f"{k} = {_text(v)}" for k, v in sorted(value.items()))
        elif isinstance(value, list | tuple):
            items = tuple(_text(v) for v in value)
        else:
            details.append(Detail(label, text=_text(value)))
            continue
        if not items:
            details.append(Detail(label, text="none"))
        elif len(items) > FOLD_AFTER:
            details.append(Detail(label, items=items, summary=f"{len(items)} {_noun(label)}"))
        else:
            details.append(Detail(label, items=items))
    return details


def audit_row(event: AuditEvent) -> SafeString:
    """An event's row on the Audit page: its time (in the page's time zone), who, where, what,
    the outcome, the parameters as `describe` labels them and where the request came from.
    Built in one pass with every value escaped (Django's escaping: html.escape), not by a
    template: the page renders each new event's row once (events never change), and a log
    that grows while someone watches it rendered a row per new event through the template
    language on every view. tests/audit/test_readable.py holds it to the template it replaced."""
    at = template_localtime(event.created_at)
    where = escape(event.profile_name or "—")
    if event.region:
        where += f" · {escape(event.region)}"
    error = (
        f'<p class="audit-error"><strong>Error</strong> {escape(event.error)}</p>\n'
        if event.error
        else ""
    )
    details = "".join(_detail(detail) for detail in describe(event.parameters))
    params = f'<dl class="audit-params">\n{details}</dl>\n' if details else ""
    outcome = _OUTCOMES.get(event.outcome, event.outcome)
    source = f"<code>{escape(event.client_address)}</code>" if event.client_address else ""
    if agent := event.user_agent:
        source += (
            f'<br><span class="muted user-agent" title="{escape(agent)}">'
            f"{escape(truncatechars(agent, 40))}</span>"
        )
    return SafeString(
        f'<tr>\n<td data-label="Time (UTC)" class="nowrap">'
        f"{at.strftime('%Y-%m-%d %H:%M:%S') if at else ''}</td>\n"
        f'<td data-label="User" class="nowrap">{escape(event.username or "—")}</td>\n'
        f'<td data-label="Profile · region" class="nowrap">{where}</td>\n'
        f'<td data-label="Queue" class="queue-name">{escape(event.queue or "—")}</td>\n'
        f'<td data-label="Action" class="nowrap"><code>{escape(event.action)}</code></td>\n'
        f'<td data-label="Outcome" class="nowrap"><span class="badge outcome-'
        f'{escape(event.outcome)}">{escape(str(outcome))}</span></td>\n'
        f'<td data-label="Details" class="audit-details">\n{error}{params}</td>\n'
        f'<td data-label="From" class="audit-from"><div>{source}</div></td>\n</tr>'
    )


def _detail(detail: Detail) -> str:
    if detail.summary:
        items = "".join(f"<li><code>{escape(item)}</code></li>" for item in detail.items)
        value = (
            f"<details><summary>{escape(detail.summary)}</summary>"
            f'<ul class="audit-items">{items}</ul></details>'
        )
    elif detail.items:
        value = ", ".join(f"<code>{escape(item)}</code>" for item in detail.items)
    else:
        value = escape(detail.text)
    return f"<div><dt>{escape(detail.label)}</dt>\n<dd>{value}</dd></div>\n"
