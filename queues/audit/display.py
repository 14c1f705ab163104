"""An audit event's parameters as labelled values a person reads, not a Python dict's repr.

message_ids=['3f…', '9a…', …]  →  Message IDs: "100 message IDs" (folded, unfolds to the list)
attributes={'DelaySeconds': '5'}  →  Attributes: DelaySeconds = 5
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# Lists and mappings longer than this are folded behind a "<count> <what>" summary.
FOLD_AFTER = 3
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
