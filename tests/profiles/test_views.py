"""The profile pages: admins only, secrets never shown, every validation error next to its field."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from queues.models import AuditEvent, AuthMode, AwsProfile
from queues.profiles import credentials
from queues.sqs.regions import known_regions
from tests.helpers import form_errors

from .pki import (
    ACCOUNT,
    RA_PROFILE_ARN,
    ROLE_ARN,
    TRUST_ANCHOR_ARN,
    issue,
    make_ca,
    roles_anywhere_values,
)

SECRET = "test-secret-access-key-value"
LIST = reverse("profiles:list")
CREATE = reverse("profiles:create")


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def _static(**overrides) -> dict:
    data = {
        "name": "Staging",
        "auth_mode": AuthMode.STATIC,
        "region": "eu-west-1",
        "endpoint_url": "",
        "access_key_id": "AKIASTAGING000000001",
        "secret_access_key": "staging-secret-key-value-1234",
        "session_token": "",
    }
    data.update(overrides)
    return data


def _roles_anywhere(cert, passphrase: str = "", **overrides) -> dict:
    return {
        **roles_anywhere_values(cert, passphrase),
        "private_key_passphrase": passphrase,
        "duration_seconds": "3600",
        "role_session_name": "",
        "certificate_chain_pem": "",
        **overrides,
    }


def _ticked(html: str, field: str) -> set[str]:
    """The labels of the ticked boxes of a field's choices."""
    block = html.split(f'id="field-{field}"')[1].split('id="field-')[0]
    return set(re.findall(r"<input [^>]*checked[^>]*>\s*([^<]*?)\s*</label>", block))


def _errors(response, field: str) -> list[str]:
    return form_errors(response.content.decode()).get(field, [])


# Who may open the pages.


@pytest.mark.parametrize("who", ["operator_user", "viewer_user", "nobody_user"])
def test_only_admins_can_open_any_profile_page(client, profile, who, request):
    client.force_login(request.getfixturevalue(who))
    slug = profile.slug
    pages = [
        ("get", LIST),
        ("get", CREATE),
        ("post", CREATE),
        ("get", reverse("profiles:edit", args=[slug])),
        ("post", reverse("profiles:edit", args=[slug])),
        ("get", reverse("profiles:delete", args=[slug])),
        ("post", reverse("profiles:delete", args=[slug])),
        ("post", reverse("profiles:duplicate", args=[slug])),
        ("post", reverse("profiles:test", args=[slug])),
        ("post", reverse("profiles:test-draft")),
        ("post", reverse("profiles:mode-fields")),
    ]
    for method, url in pages:
        response = getattr(client, method)(url, {"confirm_name": profile.name})
        assert response.status_code == 403, url
        assert "Admin" in response.content.decode()
    assert AwsProfile.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_the_profiles_link_shows_only_for_admins(client, admin_user, operator_user, profile):
    client.force_login(operator_user)
    page = client.get(reverse("audit:log")).content.decode()
    assert f'href="{LIST}"' not in page
    client.force_login(admin_user)
    page = client.get(reverse("audit:log")).content.decode()
    assert f'href="{LIST}"' in page


# Creating, editing and the secrets.


def test_an_admin_creates_a_static_profile_and_lands_on_the_list(admin):
    response = admin.post(CREATE, _static(is_production="on"))
    assert response.url == LIST
    # Error reports would show the secrets as stars.
    assert "secret_access_key" in response.wsgi_request.sensitive_post_parameters
    response = admin.get(LIST)
    page = response.content.decode()
    assert "Profile “Staging” created." in page
    assert "PRODUCTION" in page
    created = AwsProfile.objects.get(name="Staging")
    assert created.slug == "staging"
    assert created.secret_access_key == "staging-secret-key-value-1234"
    assert created.is_production
    event = AuditEvent.objects.get(action="create_profile")
    assert event.outcome == "success"
    assert event.profile_name == "Staging"
    assert event.parameters["auth_mode"] == "static"
    assert "staging-secret" not in str(event.parameters)


def test_the_edit_form_masks_secrets_and_never_renders_them(admin, profile):
    profile.session_token = "FwoGZXIvYXdzEBcaDSESSIONTOKEN"
    profile.save()
    page = admin.get(reverse("profiles:edit", args=[profile.slug])).content.decode()
    assert SECRET not in page
    assert "FwoGZXIvYXdzEBcaDSESSIONTOKEN" not in page
    assert "Stored: …alue. Leave blank to keep it." in page
    assert "Stored: …OKEN. Leave blank to keep it." in page
    assert "Clear the stored session token" in page
    assert "AKIATESTSQSADMIN1234" in page  # the key ID is not a secret


def test_a_blank_secret_keeps_the_stored_value(admin, profile):
    data = _static(
        name=profile.name,
        access_key_id=profile.access_key_id,
        secret_access_key="",
        region="eu-west-2",
        # The form sends its ticked grants back unchanged.
        viewer_groups=[g.pk for g in profile.viewer_groups.all()],
        operator_groups=[g.pk for g in profile.operator_groups.all()],
    )
    response = admin.post(reverse("profiles:edit", args=[profile.slug]), data)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.secret_access_key == SECRET
    assert profile.region == "eu-west-2"
    assert profile.version == 2
    event = AuditEvent.objects.get(action="edit_profile")
    assert event.parameters["changed"] == ["endpoint_url", "region"]


def test_a_new_secret_replaces_and_clear_removes_an_optional_one(admin, profile):
    profile.session_token = "old-token"
    profile.save()
    url = reverse("profiles:edit", args=[profile.slug])
    admin.post(url, _static(name=profile.name, secret_access_key="brand-new-secret"))
    profile.refresh_from_db()
    assert profile.secret_access_key == "brand-new-secret"
    assert profile.session_token == "old-token"
    admin.post(url, _static(name=profile.name, secret_access_key="", clear_session_token="on"))
    profile.refresh_from_db()
    assert profile.session_token == ""
    assert profile.secret_access_key == "brand-new-secret"
    changed = AuditEvent.objects.filter(action="edit_profile").first().parameters["changed"]
    assert "session_token" in changed
    assert "old-token" not in str(AuditEvent.objects.values_list("parameters", flat=True))


def test_switching_to_the_default_chain_drops_the_stored_keys(admin, profile):
    url = reverse("profiles:edit", args=[profile.slug])
    response = admin.post(
        url, {"name": profile.name, "auth_mode": AuthMode.DEFAULT_CHAIN, "region": "us-east-1"}
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.auth_mode == AuthMode.DEFAULT_CHAIN
    assert (profile.access_key_id, profile.secret_access_key) == ("", "")


def test_an_encrypted_key_with_its_passphrase_is_stored_encrypted(admin, client_cert):
    response = admin.post(CREATE, _roles_anywhere(client_cert, passphrase="open sesame"))
    assert response.status_code == 302, form_errors(response.content.decode())
    stored = AwsProfile.objects.get(name="Workload")
    assert stored.private_key_passphrase == "open sesame"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT private_key_pem, private_key_passphrase FROM queues_awsprofile WHERE id = %s",
            [stored.pk],
        )
        raw = " ".join(cursor.fetchone())
    assert "PRIVATE KEY" not in raw and "open sesame" not in raw
    page = admin.get(reverse("profiles:edit", args=[stored.slug])).content.decode()
    assert "PRIVATE KEY-----" not in page
    assert "open sesame" not in page
    assert "Stored. Leave blank to keep it." in page


def test_certificate_and_key_can_be_uploaded(admin, client_cert):
    data = _roles_anywhere(client_cert, certificate_pem="", private_key_pem="")
    data["certificate_file"] = SimpleUploadedFile("cert.pem", client_cert.certificate_pem.encode())
    data["private_key_file"] = SimpleUploadedFile("key.pem", client_cert.key_pem().encode())
    response = admin.post(CREATE, data)
    assert response.status_code == 302, form_errors(response.content.decode())
    stored = AwsProfile.objects.get(name="Workload")
    assert stored.certificate_pem == client_cert.certificate_pem.strip()
    assert stored.private_key_pem == client_cert.key_pem().strip()


# Validation: every error lands next to its field.


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"region": "mars-north-1x"}, "region", "is not an AWS region name"),
        ({"endpoint_url": "ftp://127.0.0.1:21"}, "endpoint_url", "http:// or https://"),
        ({"endpoint_url": "javascript:alert(1)"}, "endpoint_url", "http:// or https://"),
        ({"secret_access_key": ""}, "secret_access_key", "This mode needs this field."),
        ({"access_key_id": "AKIA WITH SPACE"}, "access_key_id", "not an access key ID"),
        ({"name": "!!!"}, "name", "at least one letter or digit"),
    ],
)
def test_static_profile_errors(admin, overrides, field, message):
    response = admin.post(CREATE, _static(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in _errors(response, field)), _errors(response, field)
    assert message in response.content.decode()  # shown on the page, next to the field
    assert not AwsProfile.objects.exists()


def test_a_duplicate_name_is_refused(admin, profile):
    response = admin.post(CREATE, _static(name=profile.name))
    assert _errors(response, "name") == ["A profile with this name already exists."]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"role_arn": "arn:aws:iam::12345:role/x"}, "role_arn", "not an IAM role ARN"),
        ({"role_arn": "arn:aws:iam::123456789012:user/bob"}, "role_arn", "not an IAM role ARN"),
        ({"role_arn": ""}, "role_arn", "This mode needs this field."),
        ({"duration_seconds": "899"}, "duration_seconds", "Use at least 15 minutes (900 seconds)."),
        (
            {"duration_seconds": "43201"},
            "duration_seconds",
            "Use at most 12 hours (43,200 seconds).",
        ),
        ({"role_session_name": "has space"}, "role_session_name", "not a session name"),
        ({"external_id": "x"}, "external_id", "not an external ID"),
    ],
)
def test_assume_role_errors(admin, overrides, field, message):
    data = _static(
        name="Role",
        auth_mode=AuthMode.ASSUME_ROLE,
        source_mode=AuthMode.STATIC,
        role_arn=ROLE_ARN,
        duration_seconds="3600",
        **{"external_id": ""},
    )
    data.update(overrides)
    response = admin.post(CREATE, data)
    assert any(message in error for error in _errors(response, field)), _errors(response, field)


def test_assume_role_on_the_default_chain_needs_no_keys(admin):
    response = admin.post(
        CREATE,
        {
            "name": "Chain role",
            "auth_mode": AuthMode.ASSUME_ROLE,
            "source_mode": AuthMode.DEFAULT_CHAIN,
            "region": "us-east-1",
            "role_arn": "arn:aws-us-gov:iam::123456789012:role/path/to/ops",
            "duration_seconds": "43200",
            "access_key_id": "AKIAIGNORED",
        },
    )
    assert response.status_code == 302, form_errors(response.content.decode())
    stored = AwsProfile.objects.get(name="Chain role")
    assert stored.access_key_id == ""
    assert stored.duration_seconds == 43200


def test_roles_anywhere_errors(admin, client_cert, test_ca):
    other = issue(test_ca, "someone-else")
    cases = [
        (
            {"trust_anchor_arn": TRUST_ANCHOR_ARN.replace("trust-anchor", "profile")},
            "trust_anchor_arn",
            "not a Roles Anywhere trust anchor ARN",
        ),
        (
            {"rolesanywhere_profile_arn": RA_PROFILE_ARN[:-4]},
            "rolesanywhere_profile_arn",
            "not a Roles Anywhere profile ARN",
        ),
        (
            {"certificate_pem": "-----BEGIN CERTIFICATE-----\nnope\n"},
            "certificate_pem",
            "not a PEM",
        ),
        ({"private_key_pem": "garbage"}, "private_key_pem", "not a PEM private key"),
        ({"private_key_pem": other.key_pem()}, "private_key_pem", "does not match the certificate"),
        ({"certificate_chain_pem": "junk"}, "certificate_chain_pem", "not a PEM certificate chain"),
        ({"duration_seconds": "50000"}, "duration_seconds", "Use at most 12 hours"),
    ]
    for overrides, field, message in cases:
        response = admin.post(CREATE, _roles_anywhere(client_cert, **overrides))
        errors = _errors(response, field)
        assert any(message in error for error in errors), (field, errors)


def test_a_wrong_or_missing_passphrase_is_reported(admin, client_cert):
    data = _roles_anywhere(client_cert, passphrase="right")
    data["private_key_passphrase"] = "wrong"
    response = admin.post(CREATE, data)
    assert _errors(response, "private_key_passphrase") == ["Wrong passphrase for this key."]
    data["private_key_passphrase"] = ""
    response = admin.post(CREATE, data)
    assert _errors(response, "private_key_passphrase") == [
        "This key is encrypted: enter its passphrase."
    ]
    # The typed key is not echoed back into the page.
    assert "ENCRYPTED PRIVATE KEY" not in response.content.decode()


# Mode-specific fields, with and without HTMX.


def test_htmx_swaps_in_the_fields_of_the_chosen_mode(admin):
    response = admin.post(
        reverse("profiles:mode-fields"),
        {"name": "Typed", "auth_mode": AuthMode.ROLES_ANYWHERE, "region": "eu-west-1"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<fieldset id="mode-fields"')
    assert "Trust anchor ARN" in page and "Certificate (PEM)" in page
    assert "or upload the private key" in page
    assert "Access key ID" not in page
    response = admin.post(
        reverse("profiles:mode-fields"),
        {"auth_mode": AuthMode.DEFAULT_CHAIN},
        headers={"HX-Request": "true"},
    )
    assert "Nothing is stored here" in response.content.decode()


def test_an_assumed_role_on_the_default_chain_asks_for_no_keys(admin):
    fields = reverse("profiles:mode-fields")
    static_base = {"auth_mode": AuthMode.ASSUME_ROLE, "source_mode": AuthMode.STATIC}
    page = admin.post(fields, static_base, headers={"HX-Request": "true"}).content.decode()
    assert "Access key ID" in page and "Role ARN" in page
    chain_base = {**static_base, "source_mode": AuthMode.DEFAULT_CHAIN}
    page = admin.post(fields, chain_base, headers={"HX-Request": "true"}).content.decode()
    assert "Access key ID" not in page and "Role ARN" in page
    assert 'hx-post="/profiles/mode-fields/"' in page  # the base select swaps the fields too


def test_a_stored_passphrase_on_a_new_unencrypted_key_says_how_to_clear_it(
    admin, client_cert, test_ca
):
    admin.post(CREATE, _roles_anywhere(client_cert, passphrase="pw"))
    stored = AwsProfile.objects.get(name="Workload")
    plain = issue(test_ca, "plain")
    data = _roles_anywhere(plain, private_key_passphrase="")
    response = admin.post(reverse("profiles:edit", args=[stored.slug]), data)
    assert _errors(response, "private_key_passphrase") == [
        "This key is not encrypted: tick “Clear the stored passphrase”."
    ]
    data["clear_private_key_passphrase"] = "on"
    response = admin.post(reverse("profiles:edit", args=[stored.slug]), data)
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.private_key_passphrase == ""
    assert stored.certificate_pem == plain.certificate_pem.strip()


def test_without_javascript_the_chosen_modes_fields_render_server_side(admin):
    response = admin.post(
        CREATE,
        {"name": "Typed", "auth_mode": AuthMode.ASSUME_ROLE, "show_mode_fields": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Role ARN" in page and "External ID" in page
    assert 'value="Typed"' in page
    assert "errorlist" not in page
    assert not AwsProfile.objects.exists()
    # A GET renders the default mode's fields, and the no-JS button is there.
    page = admin.get(CREATE).content.decode()
    assert "Access key ID" in page and "Show fields for this mode" in page


# Testing connections.


def test_the_list_tests_a_saved_profile_inline(admin, profile):
    response = admin.post(
        reverse("profiles:test", args=[profile.slug]), headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert f'id="test-{profile.slug}"' in page
    assert f"account <strong>{ACCOUNT}</strong>" in page
    assert " ms" in page


def test_without_javascript_the_test_result_is_a_message(admin, profile):
    response = admin.post(reverse("profiles:test", args=[profile.slug]), follow=True)
    assert "connected as arn:aws" in response.content.decode()


def test_the_form_tests_unsaved_values_with_the_stored_secret(admin, profile, sqs_endpoint):
    data = _static(
        name=profile.name,
        access_key_id=profile.access_key_id,
        secret_access_key="",
        endpoint_url=sqs_endpoint,
        original=profile.slug,
    )
    response = admin.post(reverse("profiles:test-draft"), data, headers={"HX-Request": "true"})
    assert f"account <strong>{ACCOUNT}</strong>" in response.content.decode()
    # Pointing the draft at a dead endpoint fails without touching the saved profile.
    data["endpoint_url"] = "http://127.0.0.1:9"
    response = admin.post(reverse("profiles:test-draft"), data, headers={"HX-Request": "true"})
    assert "Endpoint unreachable" in response.content.decode()
    profile.refresh_from_db()
    assert profile.endpoint_url == sqs_endpoint
    assert profile.version == 1


def test_testing_an_invalid_draft_lists_what_to_fix(admin):
    response = admin.post(
        reverse("profiles:test-draft"),
        _static(region="nowhere"),
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "Fix these fields first" in page
    assert "is not an AWS region name" in page


def test_a_roles_anywhere_draft_is_tested_end_to_end(
    admin, sqs_endpoint, fake_rolesanywhere, client_cert
):
    data = _roles_anywhere(client_cert, passphrase="pw", endpoint_url=sqs_endpoint)
    response = admin.post(reverse("profiles:test-draft"), data, headers={"HX-Request": "true"})
    assert f"account <strong>{ACCOUNT}</strong>" in response.content.decode()
    assert len(fake_rolesanywhere.sessions) == 1


# Duplicate and delete.


def test_duplicate_copies_everything_but_the_name(admin, profile):
    profile.session_token = "token-to-copy"
    profile.is_production = True
    profile.save()
    response = admin.post(reverse("profiles:duplicate", args=[profile.slug]), follow=True)
    assert "duplicated as “Test moto (copy)”" in response.content.decode()
    copy = AwsProfile.objects.get(name="Test moto (copy)")
    assert copy.slug == "test-moto-copy"
    assert (copy.secret_access_key, copy.session_token) == (SECRET, "token-to-copy")
    assert (copy.endpoint_url, copy.is_production, copy.access_key_id) == (
        profile.endpoint_url,
        True,
        profile.access_key_id,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_access_key FROM queues_awsprofile WHERE id = %s", [copy.pk])
        assert cursor.fetchone()[0].startswith("gAAAA")
    admin.post(reverse("profiles:duplicate", args=[profile.slug]))
    assert AwsProfile.objects.filter(name="Test moto (copy 2)").exists()
    assert AuditEvent.objects.filter(action="duplicate_profile").count() == 2


def test_delete_needs_the_typed_name(admin, profile):
    url = reverse("profiles:delete", args=[profile.slug])
    credentials.client_for(profile, "us-east-1")
    page = admin.get(url).content.decode()
    assert "Type the profile name to confirm" in page and "Type Test moto exactly." in page
    response = admin.post(url, {"confirm_name": "test moto"})
    assert "Type Test moto exactly to delete it." in response.content.decode()
    assert AwsProfile.objects.filter(pk=profile.pk).exists()
    response = admin.post(url, {"confirm_name": "Test moto"}, follow=True)
    assert "Profile “Test moto” deleted." in response.content.decode()
    assert not AwsProfile.objects.exists()
    assert not [key for key in credentials._clients if key[0] == profile.pk]
    event = AuditEvent.objects.get(action="delete_profile")
    assert (event.profile_name, event.outcome) == ("Test moto", "success")


def test_the_list_shows_each_mode_without_secrets(admin, profile, client_cert):
    AwsProfile.objects.create(
        name="Cert",
        slug="cert",
        auth_mode=AuthMode.ROLES_ANYWHERE,
        role_arn=ROLE_ARN,
        certificate_pem=client_cert.certificate_pem,
        private_key_pem=client_cert.key_pem(),
    )
    page = admin.get(LIST).content.decode()
    assert "Test moto" in page and "AKIATESTSQSADMIN1234" in page
    assert "CN=workload.sqsadmin.test" in page
    assert SECRET not in page and "PRIVATE KEY" not in page
    assert page.count("Test connection</button>") == 2


def test_an_unreadable_certificate_does_not_break_the_list(admin, db):
    AwsProfile.objects.create(name="Odd", slug="odd", auth_mode=AuthMode.ROLES_ANYWHERE)
    assert "(unreadable)" in admin.get(LIST).content.decode()
    assert make_ca  # the helper module stays importable for other suites


def test_a_profile_whose_secret_cannot_be_decrypted_is_reported_not_crashed(
    admin, profile, settings
):
    from cryptography.fernet import Fernet

    settings.FERNET_KEYS = [Fernet.generate_key().decode()]  # the old key is gone
    page = admin.get(LIST).content.decode()
    assert "Test moto" in page
    response = admin.post(
        reverse("profiles:test", args=[profile.slug]), headers={"HX-Request": "true"}
    )
    assert "cannot be decrypted with the configured FERNET_KEYS" in response.content.decode()


# Who may use a profile.


def test_a_new_profile_offers_todays_access_and_the_admin_narrows_it(admin, operator_user):
    page = admin.get(CREATE).content.decode()
    assert _ticked(page, "viewer_groups") == {"Operators", "Viewers"}
    assert _ticked(page, "operator_groups") == {"Operators"}
    assert "Admins" not in admin.get(CREATE).content.decode().split("May view")[1][:400]
    viewers = Group.objects.get(name="Viewers")
    admin.post(CREATE, _static(is_production="on", viewer_groups=[viewers.pk]))
    created = AwsProfile.objects.get(name="Staging")
    assert list(created.viewer_groups.all()) == [viewers]
    assert not created.operator_groups.exists()
    event = AuditEvent.objects.get(action="create_profile")
    assert (event.parameters["may_view"], event.parameters["may_operate"]) == (["Viewers"], [])


def test_granting_operate_rights_is_an_audited_change(admin, profile):
    operators = Group.objects.get(name="Operators")
    data = _static(name=profile.name, endpoint_url=profile.endpoint_url, secret_access_key="")
    data.update(access_key_id=profile.access_key_id, region=profile.region)
    response = admin.post(
        reverse("profiles:edit", args=[profile.slug]),
        {**data, "viewer_groups": [operators.pk], "operator_groups": []},
    )
    assert response.status_code == 302, form_errors(response.content.decode())
    assert not profile.operator_groups.exists()
    event = AuditEvent.objects.get(action="edit_profile")
    assert event.parameters["changed"] == ["operator_groups", "viewer_groups"]
    assert event.parameters["may_view"] == ["Operators"]
    assert event.parameters["may_operate"] == []


def test_a_duplicate_is_open_to_the_same_groups(admin, profile):
    profile.operator_groups.clear()
    admin.post(reverse("profiles:duplicate", args=[profile.slug]))
    copy = AwsProfile.objects.get(name=f"{profile.name} (copy)")
    assert {g.name for g in copy.viewer_groups.all()} == {"Operators", "Viewers"}
    assert not copy.operator_groups.exists()


@pytest.mark.parametrize("group", ["3000000000", "9" * 30, "viewers"])
def test_a_group_that_cannot_exist_is_an_invalid_choice_not_a_server_error(db, admin, group):
    # Past a 32-bit key PostgreSQL refuses the lookup and SQLite overflows: neither may be a 500.
    response = admin.post(reverse("profiles:create"), _static(viewer_groups=[group]))
    assert response.status_code == 200
    assert "is not a valid value" in " ".join(_errors(response, "viewer_groups"))
    assert not AwsProfile.objects.filter(name="Staging").exists()


def _field_html(response, name: str) -> str:
    """The rendered field group of one field (templates/forms/field.html)."""
    page = response.content.decode()
    start = page.index(f'id="field-{name}"')
    end = page.find('<div class="field', start)
    return page[start : end if end != -1 else None]


def test_secrets_emptied_after_an_error_say_so_beside_their_fields(admin, client_cert):
    """The key and passphrase are never sent back to the browser: after an error elsewhere the
    form says, next to each, that it was cleared and must be given again."""
    data = _roles_anywhere(client_cert, passphrase="right", role_arn="not-an-arn")
    response = admin.post(CREATE, data)
    assert _errors(response, "role_arn")
    for name in ("private_key_pem", "private_key_passphrase"):
        field = _field_html(response, name)
        assert 'class="blanked-notice"' in field, name
        assert "cleared because the form had errors" in field and "enter it again" in field
    assert "ENCRYPTED PRIVATE KEY" not in response.content.decode()
    # A secret left blank, and the fields that keep what was typed, have no such notice.
    data["private_key_passphrase"] = ""
    response = admin.post(CREATE, data)
    assert 'class="blanked-notice"' not in _field_html(response, "private_key_passphrase")
    assert 'class="blanked-notice"' not in _field_html(response, "certificate_pem")
    assert 'class="blanked-notice"' in _field_html(response, "private_key_pem")


def test_a_secret_typed_before_the_auth_mode_changed_says_it_was_cleared(admin):
    response = admin.post(
        reverse("profiles:mode-fields"),
        {
            "name": "Typed",
            "auth_mode": AuthMode.ASSUME_ROLE,
            "region": "eu-west-1",
            "access_key_id": "AKIATYPEDBEFORE00001",
            "secret_access_key": "typed-before-the-switch",
        },
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "typed-before-the-switch" not in page
    assert 'value="AKIATYPEDBEFORE00001"' in page
    assert "cleared when the fields were redrawn" in _field_html(response, "secret_access_key")
    assert 'class="blanked-notice"' not in _field_html(response, "session_token")


def test_the_profile_form_suggests_every_known_region(admin):
    html = admin.get(CREATE).content.decode()
    datalist = html[html.index('<datalist id="profile-regions">') :].split("</datalist>")[0]
    assert datalist.count("<option") == len(known_regions())
    assert '<option value="eu-west-1">' in datalist and '<option value="us-east-1">' in datalist
