"""Sessions kept in the database as django.contrib.sessions' db backend keeps them, read with one
plain query (see reads.py): building the ORM's query cost ten times the query itself, on every
page."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.utils import timezone

from .reads import read_by_key


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = read_by_key(self.model, "session_key", self.session_key)
        if found is None or found.expire_date <= timezone.now():
            self._session_key = None
            return None
        return found
