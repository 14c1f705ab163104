"""Single sign-on against a real OpenID Connect provider on 127.0.0.1: users are made from the
IdP's claims and get the roles their IdP groups map to, on every sign-in."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import Group, User

from queues.accounts.roles import ADMINS, OPERATORS, VIEWERS
from tests.accounts.conftest import CLIENT_SECRET
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_QUEUE = "/p/local-demo/us-east-1/queues/new/"


def roles(username: str) -> set[str]:
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_an_operator_signs_in_and_can_operate(client, sso_sign_in, seeded):
    landed = sso_sign_in("otto-operator")
    assert landed.status_code == 302 and landed.url == "/"
    assert roles("otto-operator") == {OPERATORS}
    page = client.get(NEW_QUEUE)
    assert page.status_code == 200
    assert "otto-operator" in page.content.decode()


def test_a_viewer_signs_in_and_is_refused_operator_pages(client, sso_sign_in, seeded):
    sso_sign_in("vic-viewer")
    assert roles("vic-viewer") == {VIEWERS}
    assert client.get("/p/local-demo/us-east-1/queues/").status_code == 200
    assert client.get(NEW_QUEUE).status_code == 403


def test_an_admin_gets_the_admin_role_and_the_admin_site(client, sso_sign_in):
    sso_sign_in("ada-admin")
    assert roles("ada-admin") == {ADMINS}
    assert client.get("/admin/").status_code == 200


def test_someone_in_no_mapped_group_signs_in_with_no_role(client, sso_sign_in, seeded):
    landed = sso_sign_in("nils-nogroup")
    assert landed.status_code == 302
    assert roles("nils-nogroup") == set()
    assert client.get("/p/local-demo/us-east-1/queues/").status_code == 403


def test_roles_follow_the_idp_on_every_sign_in(client, sso_sign_in, settings):
    sso_sign_in("otto-operator")
    assert roles("otto-operator") == {OPERATORS}
    client.logout()
    # The IdP group is no longer mapped to Operators (as if they left the team).
    settings.OIDC_OPERATOR_GROUPS = ["some-other-team"]
    sso_sign_in("otto-operator")
    assert roles("otto-operator") == set()


def test_an_existing_superuser_signing_in_by_sso_gets_only_the_mapped_role(client, sso_sign_in):
    User.objects.create_superuser("vic-viewer", password=PASSWORD)
    sso_sign_in("vic-viewer")
    user = User.objects.get(username="vic-viewer")
    assert not user.is_superuser and roles("vic-viewer") == {VIEWERS}
    assert client.get("/admin/").status_code == 302  # not staff: sent to the admin login


def test_users_made_by_sso_cannot_sign_in_with_a_password(client, sso_sign_in):
    sso_sign_in("otto-operator")
    client.logout()
    assert not User.objects.get(username="otto-operator").has_usable_password()


def test_next_is_honoured_after_sso(client, sso_sign_in, seeded):
    landed = sso_sign_in("vic-viewer", next_url="/audit/")
    assert landed.url == "/audit/"


def test_a_wrong_idp_password_does_not_sign_in(sso_sign_in):
    with pytest.raises(AssertionError, match="refused the sign-in"):
        sso_sign_in("otto-operator", password="wrong")
    assert not User.objects.filter(username="otto-operator").exists()


def test_a_forged_callback_is_refused(client, sso):
    response = client.get("/accounts/oidc/callback/", {"code": "made-up", "state": "made-up"})
    # No sign-in was started from this browser: back to the login page, nobody signed in.
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_an_unreachable_idp_is_a_message_on_the_login_page(client, sso, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens
    start = client.get("/accounts/oidc/start/")
    assert start.status_code == 302 and start.url == "/accounts/login/?sso=failed"
    page = client.get(start.url)
    assert "Single sign-on did not complete" in page.content.decode()


def test_the_login_page_offers_the_provider_and_keeps_the_password_form(client, sso):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Test IdP" in page
    assert 'name="password"' in page
    assert CLIENT_SECRET not in page


def test_without_sso_there_is_no_provider_button_and_no_sso_route(client, db):
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/oidc/start/").status_code == 404


def test_local_login_false_hides_the_form_and_refuses_passwords(client, sso, settings, viewer_user):
    settings.LOCAL_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = settings.AUTHENTICATION_BACKENDS[:2]
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Test IdP" in page and 'name="password"' not in page
    refused = client.post(
        "/accounts/login/", {"username": viewer_user.username, "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert "Password sign-in is turned off" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Nor through the admin site's own login form.
    client.post("/admin/login/", {"username": viewer_user.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_sso_sign_in_is_not_stopped_by_a_password_lockout(client, sso_sign_in, settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    for name in ("a", "b", "c", "d"):
        client.post("/accounts/login/", {"username": name, "password": "nope"})
    locked = client.post("/accounts/login/", {"username": "e", "password": "nope"})
    assert "Too many failed sign-ins" in locked.content.decode()
    landed = sso_sign_in("otto-operator")
    assert landed.status_code == 302 and landed.url == "/"
    assert client.session.get("_auth_user_id")


def test_secrets_and_tokens_are_not_logged(client, sso_sign_in, caplog):
    caplog.set_level(logging.DEBUG)
    sso_sign_in("otto-operator")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "single sign-on user='otto-operator' roles=Operators" in logged
    assert CLIENT_SECRET not in logged
    session = dict(client.session)
    assert "oidc_access_token" not in session and "oidc_id_token" not in session, session


def test_groups_made_by_migration_are_the_ones_mapped(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {ADMINS, OPERATORS, VIEWERS}
