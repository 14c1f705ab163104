"""The Jinja2 environment sqsadmin's pages render with (settings.TEMPLATES).

Pages are Jinja2 templates: the Django template language spent more time looking up variables
than the rest of a page's request took (issue figures: the messages page's template ~3 ms of its
7 ms). Django's admin keeps the Django template language (the second engine in TEMPLATES).

Beside Jinja2's own, templates have:
- `url(name, *args)`, `static(path)`, `htmx_script(nonce=csp_nonce)` as functions;
- the Django filters whose wording the pages use (`date`, `pluralize`, `truncatechars`, …) and
  sqsadmin's own (queues/console/templatetags: `duration`, `ago`, `system_attribute_table`, …);
- partials: `name.html#part` names the `{% block part %}` of `name.html` (a `-` in the part's
  name is a `_` in the block's) as a template of its own, for a view to render (an htmx answer
  that is one piece of a page) or a template to `{% include %}`. A block inside the page renders
  in place as well; one outside the page's blocks of a template that extends another renders
  only when named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import jinja2
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest
from django.middleware.csp import get_nonce
from django.template import defaultfilters
from django.utils.timezone import template_localtime
from django_htmx.jinja import htmx_script

from queues.console.context_processors import datalist_options
from queues.console.links import url
from queues.console.templatetags import charts, units
from sqsadmin.csrf import masked_token


def static(path: str) -> str:
    """`{{ static('css/sqsadmin.css') }}`: `{% static %}` as it answers with staticfiles installed,
    without asking each time whether it is."""
    return staticfiles_storage.url(path)


class _Printed:
    """A value a page prints, worked out at its first print and the same at every other:
    `{{ csrf_token }}`, `{{ csrf_input }}`, `{{ csp_nonce }}`.

    Printed through its own `__html__`, not as Django's lazy objects: markupsafe asks each value
    it prints whether it has `__html__`, and a lazy object answers through two failed attribute
    lookups and an exception (a page prints these five to ten times). `make` returns HTML that
    needs no escaping: a token or nonce is letters, digits, `-` and `_`."""

    __slots__ = ("_make", "_text")

    def __init__(self, make: Callable[[], str]) -> None:
        self._make = make
        self._text: str | None = None

    def __html__(self) -> str:
        if self._text is None:
            self._text = str(self._make())
        return self._text

    __str__ = __html__


def csrf(request: HttpRequest) -> dict:
    """`{{ csrf_input }}` and `{{ csrf_token }}` worked out once per page. Django's Jinja2 backend
    gives lazy values that mask a fresh token each time a page prints one (the messages page
    prints it eight times); the Django template language's context processor keeps one per page
    too. The token is masked as Django masks it, with a mask drawn faster (sqsadmin/csrf.py).
    `{{ csp_nonce }}` (Django's lazy nonce, from the csp context processor) is printed the same
    way; printing it is what puts it in the response's CSP header."""
    token = _Printed(lambda: masked_token(request))
    nonce = get_nonce(request)
    return {
        "csrf_token": token,
        "csrf_input": _Printed(
            lambda: f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        ),
        **({"csp_nonce": _Printed(lambda: nonce)} if nonce is not None else {}),
    }


def _as_in_django(function):
    """A Django filter as Django's template language calls it: a name the page lacks is given
    as an empty string, not as Jinja2's Undefined (which refuses to be a number)."""

    def call(value, *args):
        return function("" if isinstance(value, jinja2.Undefined) else value, *args)

    return call


def date(value, arg=None):
    """Django's `date` filter, given the value in the current time zone as Django's template
    language does first. `date('c')` (a <time datetime>) of a datetime is its isoformat(), which
    is what Django's "c" gives, without parsing the format each time (a poll prints one a
    message)."""
    value = template_localtime(value)
    if arg == "c" and isinstance(value, datetime):
        return value.isoformat()
    return defaultfilters.date(value, arg)


# Django's filters that Jinja2 lacks or words differently (`|urlencode` keeps `/`, `|pluralize`).
DJANGO_FILTERS = (
    "pluralize",
    "truncatechars",
    "urlencode",
    "floatformat",
    "yesno",
    "cut",
    "default_if_none",
    "add",
    "slice",
)

_BLOCK_TAG = re.compile(r"{%-?\s*(block\s+(\w+)[^%]*?|endblock(?:\s+\w+)?)\s*-?%}")


class PartialLoader(jinja2.FileSystemLoader):
    """Loads `name.html#part` as the source of `{% block part %}` in `name.html`, so a piece of a
    page is a template of its own without a file of its own (the Django template language's
    `{% partialdef %}`)."""

    def get_source(self, environment, template):
        name, hash_, part = template.partition("#")
        source, filename, uptodate = super().get_source(environment, name)
        if not hash_:
            return source, filename, uptodate
        return block_source(source, part.replace("-", "_"), template), filename, uptodate


def block_source(source: str, block: str, template: str) -> str:
    """The text inside `{% block <block> %}…{% endblock %}` of a template's source, blocks
    nested in it included."""
    depth, start = 0, None
    for match in _BLOCK_TAG.finditer(source):
        if match[2] is not None:  # {% block name %}
            if start is None and match[2] == block:
                start, depth = match.end(), 0
            depth += 1
        else:  # {% endblock %}
            depth -= 1
            if start is not None and depth == 0:
                return source[start : match.start()]
    raise jinja2.TemplateNotFound(template, f"{template}: no block {block!r}")


def environment(**options) -> jinja2.Environment:
    # A name a page does not have reads as empty, at any depth, as in Django's template language.
    options["undefined"] = jinja2.ChainableUndefined
    loader = options.pop("loader", None)
    if isinstance(loader, jinja2.FileSystemLoader):
        loader = PartialLoader(loader.searchpath, encoding=loader.encoding)
    env = jinja2.Environment(loader=loader, **options)
    env.globals.update(url=url, static=static, htmx_script=htmx_script)
    django_filters = {name: defaultfilters.register.filters[name] for name in DJANGO_FILTERS}
    ours = (units.register.filters, charts.register.filters)
    for filters in (django_filters, {"date": date, "datalist_options": datalist_options}, *ours):
        env.filters.update({name: _as_in_django(f) for name, f in filters.items()})
    env.globals.update(chart_table=charts.chart_table, received_messages=units.received_messages)
    return env
