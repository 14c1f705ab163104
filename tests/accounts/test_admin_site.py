"""Admins manage users and their groups in Django's admin, staff or not; nobody else gets in,
and credential profiles are not there (their own pages never show a secret)."""

from __future__ import annotations

from django.urls import reverse


def test_an_admins_member_who_is_not_staff_manages_users(client, admin_user, viewer_user):
    assert not admin_user.is_staff and not admin_user.is_superuser
    client.force_login(admin_user)
    users = client.get("/admin/auth/user/")
    assert users.status_code == 200
    assert viewer_user.username in users.content.decode()
    change = client.get(reverse("admin:auth_user_change", args=[viewer_user.pk]))
    assert change.status_code == 200
    assert "Groups" in change.content.decode()


def test_operators_and_viewers_are_sent_to_the_admin_login(client, operator_user):
    client.force_login(operator_user)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_credential_profiles_are_not_in_the_admin(client, admin_user, profile):
    client.force_login(admin_user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Users" in index
    assert "profile" not in index.lower()
    assert client.get("/admin/queues/awsprofile/").status_code == 404
