"""`make bench`: run every benchmark module in this package in one process and print its table.

`SQS=localstack` runs them against LocalStack's SQS instead of moto's (`make bench SQS=localstack`).

A module joins by defining `TITLE` and `run(bench: Bench) -> list[Row]` (or its own rows and a
`print_table(title, rows)` to show them).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path

import bench
from bench.harness import Bench, interpreter, print_table


def main(selected: list[str]) -> int:
    if os.environ.get("SQS") == "localstack" and not os.environ.get("SQSADMIN_TEST_SQS_URL"):
        # scripts/with-localstack starts LocalStack's SQS on 127.0.0.1, runs this again with its
        # URL in SQSADMIN_TEST_SQS_URL, and stops it by its PID when the run ends.
        script = Path(__file__).resolve().parent.parent / "scripts" / "with-localstack"
        os.execv(script, [str(script), sys.executable, "-m", "bench", *selected])
    names = [
        m.name
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name != "harness"
        and not m.name.startswith("_")
        and (not selected or m.name in selected)
    ]
    if not names:
        print("No benchmark matched.", file=sys.stderr)
        return 1
    print(interpreter())
    environment = Bench()
    try:
        for name in names:
            module = importlib.import_module(f"bench.{name}")
            environment.reset_sqs()
            # A module with its own kind of figures (the load run) brings its own printer.
            printer = getattr(module, "print_table", print_table)
            printer(module.TITLE, module.run(environment))
    finally:
        environment.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
