"""Sessions kept in the database as django.contrib.sessions' db backend keeps them, read with one
plain query (see reads.py): building the ORM's query cost ten times the query itself, on every
page.

Decoding a session's stored text (checking its signature, decompressing, parsing the JSON) is a
function of that text alone, and the text changes only when the session does: each process keeps
the JSON of the texts it decoded last, and every page after the first parses that (a tenth of the
decoding's cost). Only text whose signature was checked gets in, keyed by the whole signed text.
"""

from __future__ import annotations

import json

from django.contrib.sessions.backends import db
from django.utils import timezone

from .reads import read_by_key

# Signed session text -> its data as JSON. Cleared when full: a bounded memo, not a store.
_decoded: dict[str, str] = {}
DECODED_MAX = 2048


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = read_by_key(self.model, "session_key", self.session_key)
        if found is None or found.expire_date <= timezone.now():
            self._session_key = None
            return None
        return found

    def decode(self, session_data: str) -> dict:
        # A fresh dict each time: the session's data is changed in place by the request.
        if (known := _decoded.get(session_data)) is not None:
            return json.loads(known)
        data = super().decode(session_data)
        if data:  # what failed to decode is not kept: it is reported again each time
            if len(_decoded) >= DECODED_MAX:
                _decoded.clear()
            _decoded[session_data] = json.dumps(data)
        return data
