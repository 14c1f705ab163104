#!/usr/bin/env python
"""sqsadmin's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sqsadmin.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # A bad setting is a one-line message naming it, not a traceback.
    try:
        settings.INSTALLED_APPS  # noqa: B018 - importing settings validates them
    except ImproperlyConfigured as exc:
        sys.exit(f"sqsadmin: configuration error: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
