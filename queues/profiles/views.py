"""Credential profiles: list, create, edit, duplicate, delete and test. Admins only."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import audit
from ..accounts.roles import MANAGE_PROFILES, require_permission
from ..console.forms.confirm import TypedConfirmationForm
from ..console.profile_lookup import request_profiles
from ..sqs.identity import ConnectionCheck
from ..sqs.regions import known_regions
from . import credentials
from .crypto import SecretUnreadable
from .forms import (
    COMMON_FIELDS,
    GRANT_FIELDS,
    MODE_FIELDS,
    SECRET_FIELDS,
    ProfileForm,
    certificate_subject,
    copy_name,
    unique_slug,
)
from .models import AwsProfile

FORM_TEMPLATE = "profiles/profile_form.html"
RESULT_TEMPLATE = "profiles/connection_result.html"

# Error reports (mail to ADMINS, logs) show these POST fields as stars.
hide_secrets = sensitive_post_parameters(*SECRET_FIELDS)


def _form_page(
    request: HttpRequest, form: ProfileForm, profile: AwsProfile | None, **extra
) -> HttpResponse:
    context = {"form": form, "profile": profile, "regions": known_regions(), **extra}
    return render(request, FORM_TEMPLATE, context)


def _redisplayed(request: HttpRequest, profile: AwsProfile | None) -> ProfileForm:
    """An unbound form showing what was typed (never secrets) after the auth mode changed."""
    allowed = set(COMMON_FIELDS) | {f for fields in MODE_FIELDS.values() for f in fields}
    # Read as each widget posts it (a duration comes as a number and a unit).
    widgets = {name: ProfileForm.base_fields[name].widget for name in allowed - set(SECRET_FIELDS)}
    initial = {
        name: widget.value_from_datadict(request.POST, {}, name)
        for name, widget in widgets.items()
        if not widget.value_omitted_from_data(request.POST, {}, name)
    }
    initial["is_production"] = bool(request.POST.get("is_production"))
    for name in GRANT_FIELDS:
        initial[name] = request.POST.getlist(name)
    form = ProfileForm(instance=profile, initial=initial)
    # Secrets typed before the redraw are not carried over: the form says so beside them.
    form.cleared_secrets = {name for name in SECRET_FIELDS if request.POST.get(name)}
    return form


def _saved(request: HttpRequest, form: ProfileForm, action: str) -> AwsProfile:
    profile: AwsProfile = form.instance
    creating = profile.pk is None
    changed = [] if creating else form.changed_settings()
    with audit.recorded_for(request, action) as event:
        if creating:
            profile.slug = unique_slug(profile.name)
        form.save()
        event.profile, event.profile_name = profile, profile.name
        event.parameters.update(profile.described())
        if not creating:
            event.parameters["changed"] = changed
    return profile


@require_GET
@require_permission(MANAGE_PROFILES)
def profile_list(request: HttpRequest) -> HttpResponse:
    # Secrets stay encrypted here: the list never needs them, and still opens when a stored
    # secret cannot be decrypted with the configured FERNET_KEYS.
    profiles = request_profiles(request)  # the header's switcher reads the same list
    for profile in profiles:
        profile.certificate_subject = certificate_subject(profile.certificate_pem)
    return render(request, "profiles/profile_list.html", {"profiles": profiles})


@hide_secrets
@require_http_methods(["GET", "POST"])
@require_permission(MANAGE_PROFILES)
def profile_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "show_mode_fields" in request.POST:
        return _form_page(request, _redisplayed(request, None), None)
    form = ProfileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        profile = _saved(request, form, "create_profile")
        messages.success(request, f"Profile “{profile.name}” created.")
        return redirect("profiles:list")
    return _form_page(request, form, None)


@hide_secrets
@require_http_methods(["GET", "POST"])
@require_permission(MANAGE_PROFILES)
def profile_edit(request: HttpRequest, slug: str) -> HttpResponse:
    profile = get_object_or_404(AwsProfile, slug=slug)
    if request.method == "POST" and "show_mode_fields" in request.POST:
        return _form_page(request, _redisplayed(request, profile), profile)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        _saved(request, form, "edit_profile")
        messages.success(request, f"Profile “{profile.name}” saved.")
        return redirect("profiles:list")
    return _form_page(request, form, get_object_or_404(AwsProfile, slug=slug))


@hide_secrets
@require_POST
@require_permission(MANAGE_PROFILES)
def profile_mode_fields(request: HttpRequest) -> HttpResponse:
    """HTMX: the fields of the auth mode just picked, keeping what was typed elsewhere."""
    profile = AwsProfile.objects.filter(slug=request.POST.get("original", "")).first()
    form = _redisplayed(request, profile)
    return render(request, f"{FORM_TEMPLATE}#mode-fields", {"form": form, "profile": profile})


@require_POST
@require_permission(MANAGE_PROFILES)
def profile_duplicate(request: HttpRequest, slug: str) -> HttpResponse:
    original = get_object_or_404(AwsProfile, slug=slug)
    with audit.recorded_for(request, "duplicate_profile", source=original.name) as event:
        duplicate = copy.copy(original)
        duplicate.pk = duplicate.id = None
        duplicate.version = 1
        duplicate.name = copy_name(original.name)
        duplicate.slug = unique_slug(duplicate.name)
        # Secrets go through the encrypted field again: new tokens, same plaintext.
        duplicate.save()
        # The copy is open to the same groups as the original, no more.
        duplicate.viewer_groups.set(original.viewer_groups.all())
        duplicate.operator_groups.set(original.operator_groups.all())
        event.profile, event.profile_name = duplicate, duplicate.name
        event.parameters.update(duplicate.described())
    messages.success(request, f"Profile “{original.name}” duplicated as “{duplicate.name}”.")
    return redirect("profiles:list")


@require_http_methods(["GET", "POST"])
@require_permission(MANAGE_PROFILES)
def profile_delete(request: HttpRequest, slug: str) -> HttpResponse:
    profile = get_object_or_404(AwsProfile, slug=slug)
    form = TypedConfirmationForm(
        request.POST or None, expected=profile.name, verb="delete", thing="profile"
    )
    if request.method == "POST" and form.is_valid():
        name, pk = profile.name, profile.pk
        with audit.recorded_for(request, "delete_profile", **profile.described()) as event:
            event.profile_name = name
            profile.delete()
        credentials.forget_profile(pk)
        messages.success(request, f"Profile “{name}” deleted.")
        return redirect("profiles:list")
    return render(
        request, "profiles/profile_confirm_delete.html", {"profile": profile, "form": form}
    )


def _result(request: HttpRequest, check, target: str) -> HttpResponse:
    return render(request, RESULT_TEMPLATE, {"check": check, "target": target})


@require_POST
@require_permission(MANAGE_PROFILES)
def profile_test(request: HttpRequest, slug: str) -> HttpResponse:
    """Test a saved profile (the list's button)."""
    try:
        profile = get_object_or_404(AwsProfile, slug=slug)
    except SecretUnreadable:
        profile = get_object_or_404(AwsProfile.objects.only("name", "slug"), slug=slug)
        check = ConnectionCheck(
            ok=False,
            reason="A stored secret of this profile cannot be decrypted with the configured "
            "FERNET_KEYS: put the old key back in the list, or enter the secrets again.",
        )
    else:
        check = credentials.check_profile(profile)
    if request.htmx:
        return _result(request, check, f"test-{profile.slug}")
    if check.ok:
        messages.success(
            request,
            f"{profile.name}: connected as {check.arn} (account {check.account}) "
            f"in {check.latency_ms} ms.",
        )
    else:
        messages.error(request, f"{profile.name}: {check.reason}")
    return redirect("profiles:list")


@hide_secrets
@require_POST
@require_permission(MANAGE_PROFILES)
def profile_test_draft(request: HttpRequest) -> HttpResponse:
    """Test the form's unsaved values; blank secrets fall back to the stored ones when editing."""
    original = AwsProfile.objects.filter(slug=request.POST.get("original", "")).first()
    form = ProfileForm(request.POST, request.FILES or None, instance=original)
    check = None
    if form.is_valid():
        draft = copy.copy(form.instance)
        # Unsaved: never served from, nor stored in, the client caches.
        draft.pk = draft.id = None
        check = credentials.check_profile(draft)
    if request.htmx:
        return render(
            request, RESULT_TEMPLATE, {"check": check, "form": form, "target": "form-test"}
        )
    return _form_page(request, form, original, check=check, tested=True)
