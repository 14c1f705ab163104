from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.db.models import QuerySet

from .models import AuditEvent

# Filter field -> the lookup it narrows the events by (a blank field does not narrow).
FILTER_LOOKUPS = {
    "user": "username__iexact",
    "action": "action",
    "profile": "profile_name",
    "queue": "queue__icontains",
    "outcome": "outcome",
    "since": "created_at__gte",
    "until": "created_at__lte",
}


class AuditFilterForm(forms.Form):
    user = forms.CharField(label="User", required=False, max_length=150)
    action = forms.ChoiceField(label="Action", required=False)
    profile = forms.ChoiceField(label="Profile", required=False)
    queue = forms.CharField(label="Queue", required=False, max_length=80)
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any"), *AuditEvent.Outcome.choices]
    )
    since = forms.DateTimeField(
        label="From", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    until = forms.DateTimeField(
        label="To", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, actions: list[str], profiles: Sequence[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any"), *((a, a) for a in actions)]
        # Profiles by the name the events recorded, so renamed and deleted ones stay findable.
        self.fields["profile"].choices = [("", "Any"), *((p, p) for p in profiles)]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "“To” must be after “From”.")
        return cleaned

    @property
    def narrows(self) -> bool:
        """Whether a filter is filled in (of a valid form)."""
        return any(self.cleaned_data.get(field) for field in FILTER_LOOKUPS)

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        for field, lookup in FILTER_LOOKUPS.items():
            if value := self.cleaned_data.get(field):
                events = events.filter(**{lookup: value})
        return events
