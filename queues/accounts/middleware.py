from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware, get_user
from django.contrib.auth.views import redirect_to_login
from django.template.response import TemplateResponse
from django.utils.deprecation import MiddlewareMixin
from django_htmx.http import HttpResponseClientRedirect

from ..profiles.crypto import SecretUnreadable


class HtmxLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Login everywhere; when a session expires under an HTMX request, send the whole page to the
    login form (and back afterwards) instead of swapping the login form into a table cell."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "login_required", True):
            # Whether the user is signed in is read here anyway: from here on `request.user` is
            # the user itself (as auth.login() leaves it), not the lazy object that reads it, which
            # the permission checks, the workspace and the page went through dozens of times.
            request.user = get_user(request)
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        if request.headers.get("HX-Request") == "true":
            back = request.headers.get("HX-Current-URL") or request.get_full_path()
            login = redirect_to_login(
                back, self.get_login_url(view_func), self.get_redirect_field_name(view_func)
            )
            return HttpResponseClientRedirect(login.url)
        return super().handle_no_permission(request, view_func)


class SecretUnreadableMiddleware(MiddlewareMixin):
    """A profile whose stored secrets FERNET_KEYS can no longer decrypt is a page that says so
    and how to recover, wherever it is loaded, instead of a server error."""

    def process_exception(self, request, exception):
        if isinstance(exception, SecretUnreadable):
            return TemplateResponse(request, "secret_unreadable.html", status=503).render()
        return None
