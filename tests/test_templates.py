"""sqsadmin's template engine (sqsadmin/jinja2.py): partials, Django's filter wording, and the
pages' HTML free of the Django template language's leftovers."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CSRF_TOKEN_LENGTH,
    _unmask_cipher_token,
)
from django.template import TemplateDoesNotExist, engines
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse, set_script_prefix

from sqsadmin.csrf import random_indexes
from sqsadmin.jinja2 import block_source
from tests.helpers import page_url

PAGE = """{% extends "base.html" %}{% block content %}<main>
{% block panel scoped %}<section>{{ title }}{% block status scoped %}<p>{{ status }}</p>
{%- endblock %}</section>{% endblock %}
</main>{% endblock %}
{% block queue_row scoped %}<tr><td>{{ row }}</td></tr>{% endblock %}"""


@pytest.fixture
def partial_page(tmp_path, settings):
    (tmp_path / "page.html").write_text(PAGE)
    (tmp_path / "base.html").write_text("<html>{% block content %}{% endblock %}</html>")
    # Django builds its template engines again when TEMPLATES changes.
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]


def test_a_partial_renders_its_block_alone_nested_blocks_included(partial_page):
    html = get_template("page.html#panel").render({"title": "T", "status": "S"})
    assert html == "<section>T<p>S</p></section>"
    assert get_template("page.html#status").render({"status": "only"}) == "<p>only</p>"


def test_a_partial_outside_the_pages_blocks_renders_only_when_named(partial_page):
    whole = get_template("page.html").render({"title": "T", "row": "R"})
    assert "<section>T" in whole and "<tr>" not in whole
    # A `-` in a partial's name is a `_` in its block's (block names are identifiers).
    assert get_template("page.html#queue-row").render({"row": "R"}) == "<tr><td>R</td></tr>"


def test_a_partial_that_does_not_exist_is_template_does_not_exist(partial_page):
    with pytest.raises(TemplateDoesNotExist):
        get_template("page.html#nothing")


def test_block_source_keeps_nested_blocks():
    source = "{% block a %}1{% block b %}2{% endblock %}3{% endblock %}{% block c %}4{% endblock %}"
    assert block_source(source, "a", "t") == "1{% block b %}2{% endblock %}3"
    assert block_source(source, "c", "t") == "4"


@pytest.mark.parametrize(
    "name", sorted(p.relative_to("templates").as_posix() for p in Path("templates").rglob("*.html"))
)
def test_every_template_compiles_with_jinja2(name):
    engines["jinja2"].env.get_template(name)


def test_filters_read_a_missing_name_as_empty_and_dates_in_the_time_zone(settings):
    settings.TIME_ZONE = "Europe/Paris"
    env = engines["jinja2"].env
    missing = "{{ missing|pluralize }}|{{ missing.deeper|default('none', true) }}"
    assert env.from_string(missing).render() == "|none"
    when = datetime(2026, 12, 2, 9, 0, 0, 361000, tzinfo=UTC)
    assert env.from_string("{{ when|date('H:i') }}").render(when=when) == "10:00"
    # "c" (a <time datetime>) as Django's template language gives it, aware or naive.
    iso = engines["django"].from_string("{{ when|date:'c' }}")
    for moment in (when, when.replace(tzinfo=None)):
        html = env.from_string("{{ when|date('c') }}").render(when=moment)
        assert html == iso.render({"when": moment})
    assert iso.render({"when": when}) == "2026-12-02T10:00:00.361000+01:00"
    assert (
        env.from_string("{{ 2|pluralize('y,ies') }} {{ url('console:home') }}").render() == "ies /"
    )


def test_datalist_options_offer_each_value_escaped_and_nothing_for_a_missing_list():
    env = engines["jinja2"].env
    page = env.from_string("<datalist>{{ names|datalist_options }}</datalist>")
    html = page.render(names=["orders-dlq", 'a"b<c>&d'])
    assert html == (
        '<datalist><option value="orders-dlq"><option value="a&quot;b&lt;c&gt;&amp;d"></datalist>'
    )
    assert page.render() == "<datalist></datalist>"


def test_a_page_prints_one_csrf_token_for_every_form(client, operator_user, profile, raw_sqs):
    raw_sqs.create_queue(QueueName="orders")
    client.force_login(operator_user)
    # The messages page with its browse panel open: send, poll, receive, browse.
    html = client.get(page_url("messages-browse", profile, "orders")).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    header = re.findall(r'"X-CSRFToken": "([^"]+)"', html)
    assert len(tokens) >= 4 and len(set(tokens)) == 1
    assert header == [tokens[0]]


def test_each_page_masks_the_csrf_secret_afresh_and_django_accepts_the_token(
    operator_user, profile
):
    """The token a page prints (sqsadmin/csrf.py) is Django's format: 64 characters, a mask then
    the cookie's secret shifted by it. Each page masks it anew, and a form posted with it passes
    Django's CSRF check, while a token that is not the secret's is refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator_user)
    pages = [client.get(page_url("queue-list", profile)) for _ in range(3)]
    secret = client.cookies["csrftoken"].value
    tokens = [re.search(r'"X-CSRFToken": "([^"]+)"', p.content.decode()).group(1) for p in pages]
    assert len(set(tokens)) == 3
    for token in tokens:
        assert len(token) == CSRF_TOKEN_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
    # Each page sends the cookie again, as Django's get_token has it do (its expiry renewed).
    assert all("csrftoken" in p.cookies for p in pages)

    forged = tokens[0][:CSRF_SECRET_LENGTH] + tokens[1][CSRF_SECRET_LENGTH:]
    refused = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": forged})
    assert refused.status_code == 403
    assert client.get(page_url("queue-list", profile)).status_code == 200  # still signed in
    signed_out = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": tokens[2]})
    assert signed_out.status_code == 302
    assert client.get(page_url("queue-list", profile)).status_code == 302  # to the sign-in


def test_a_csrf_mask_draws_every_character_evenly():
    """6,400 draws over 62 characters: each is expected ~103 times. One never drawn, or drawn
    twice as often as expected, would be a mask that gives the secret away."""
    drawn = Counter(random_indexes(6400))
    assert set(drawn) == set(range(len(CSRF_ALLOWED_CHARS)))
    assert max(drawn.values()) < 2 * 6400 / len(CSRF_ALLOWED_CHARS)


def test_a_first_visit_gets_a_csrf_secret_and_its_cookie_from_django():
    response = Client(enforce_csrf_checks=True).get(reverse("accounts:login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert _unmask_cipher_token(token.group(1)) == response.cookies["csrftoken"].value


def test_a_pages_scripts_carry_the_nonce_its_policy_names(client, operator_user, profile):
    """The nonce is printed by the page (sqsadmin/jinja2.py), not by Django's lazy object: its
    first print still puts it in the response's Content-Security-Policy, once for every script."""
    client.force_login(operator_user)
    response = client.get(page_url("queue-list", profile))
    nonces = re.findall(r'<script nonce="([^"]+)"', response.content.decode())
    nonces += re.findall(r'<script src="[^"]+" defer nonce="([^"]+)"', response.content.decode())
    assert len(nonces) >= 3 and len(set(nonces)) == 1
    assert f"'nonce-{nonces[0]}'" in response.headers["Content-Security-Policy"]


def test_url_follows_the_script_prefix_though_urls_are_reversed_once():
    env = engines["jinja2"].env
    link = env.from_string("{{ url('profiles:edit', 'billing') }} {{ url('console:home') }}")
    assert link.render() == "/profiles/billing/edit/ /"
    try:
        set_script_prefix("/sqsadmin/")
        assert link.render() == "/sqsadmin/profiles/billing/edit/ /sqsadmin/"
    finally:
        set_script_prefix("/")
    assert link.render() == "/profiles/billing/edit/ /"
