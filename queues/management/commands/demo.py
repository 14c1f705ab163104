"""`manage.py demo`: embedded SQS (moto) + seeded queues + the dashboard, stopped by Ctrl-C."""

from __future__ import annotations

import signal
import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from queues.console import demo
from queues.sqs import SqsError


def _stop(signum, frame):
    raise KeyboardInterrupt


def _port_free(port: int) -> bool:
    """Whether the embedded SQS can listen on the port. SO_REUSEADDR, as the server itself binds
    (werkzeug's and runserver's servers set allow_reuse_address): connections of a previous run
    in TIME_WAIT do not make the port busy, so `make run` starts again right after Ctrl-C."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Command(BaseCommand):
    help = "Start an embedded SQS on 127.0.0.1 with demo queues and serve the dashboard."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sqs-port",
            type=int,
            default=settings.DEMO_SQS_PORT,
            help="Port of the embedded SQS (0 picks a free one).",
        )
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Dashboard address.")
        parser.add_argument(
            "--no-serve", action="store_true", help="Seed and exit without serving the dashboard."
        )

    def handle(self, *args, sqs_port: int, addr: str, no_serve: bool, **options):
        host, _, port = addr.rpartition(":")
        if host not in {"127.0.0.1", "localhost"}:
            raise CommandError("The demo serves on 127.0.0.1 only; pass --addr 127.0.0.1:PORT.")
        if sqs_port and not _port_free(sqs_port):
            raise CommandError(
                f"Port {sqs_port} on 127.0.0.1 is in use; set DEMO_SQS_PORT or pass --sqs-port."
            )
        # Ctrl-C and SIGTERM end the dashboard and the embedded SQS together, even when started
        # from a shell that ignores SIGINT for background jobs.
        try:
            from moto.server import ThreadedMotoServer
        except ImportError:
            raise CommandError(
                "The embedded SQS needs moto: install sqsadmin with its demo extra "
                "(pip install '.[demo]'; `make run` does)."
            ) from None
        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=sqs_port, verbose=False)
        server.start()
        try:
            endpoint = f"http://127.0.0.1:{server.get_host_and_port()[1]}"
            profile = demo.ensure_profile(endpoint)
            try:
                names = demo.seed_queues(profile)
            except SqsError as error:
                raise CommandError(f"Could not seed the embedded SQS: {error}") from None
            login = demo.ensure_admin(settings.DEMO_ADMIN_USERNAME, settings.DEMO_ADMIN_PASSWORD)
            password = login.password or "(unchanged: this account already had its own password)"
            self.stdout.write(
                "\n"
                f"  sqsadmin demo is ready\n"
                f"  Dashboard     http://{host}:{port}/\n"
                f"  Login         {login.username} / {password}\n"
                f"  Embedded SQS  {endpoint}  (region {demo.DEMO_REGION}, profile "
                f'"{profile.name}", queues: {", ".join(names)})\n'
                f"  Stop with Ctrl-C.\n",
                self.style.SUCCESS,
            )
            self.stdout.flush()
            if not no_serve:
                call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
            self.stdout.write("Embedded SQS stopped.")
