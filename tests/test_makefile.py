"""The Makefile's plans, as `make -n` prints them: which interpreter a target runs on."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _plan(*args: str) -> str:
    # -W: as if scripts/build-python had just changed, so the plan shows the interpreter's build
    # whether or not this checkout has built it already.
    done = subprocess.run(
        ["make", "-n", "-W", "scripts/build-python", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_bench_optimized_builds_cpython_with_pgo_and_lto_and_runs_on_it():
    plan = _plan("bench", "OPTIMIZED=1", "SQS=localstack", "BENCH=overhead")
    assert "scripts/build-python .python-optimized" in plan
    assert "Creating .venv-optimized with $py" in plan
    assert "py=$(echo .python-optimized/bin/python3)" in plan
    assert "SQS=localstack .venv-optimized/bin/python -m bench overhead" in plan


def test_serve_optimized_serves_from_the_optimized_venv():
    plan = _plan("serve", "OPTIMIZED=1")
    assert "scripts/build-python .python-optimized" in plan
    assert "DEBUG=false .venv-optimized/bin/python manage.py check --deploy" in plan
    assert "MALLOC_ARENA_MAX=2 .venv-optimized/bin/granian --interface wsgi" in plan


def test_serve_and_bench_run_on_the_projects_own_venv_by_default():
    plan = _plan("bench", "BENCH=overhead") + _plan("serve")
    assert "SQS=moto .venv/bin/python -m bench overhead" in plan
    assert "MALLOC_ARENA_MAX=2 .venv/bin/granian --interface wsgi" in plan
    assert "build-python" not in plan
    assert ".venv-optimized" not in plan
