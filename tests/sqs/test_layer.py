"""The SQS layer stands alone: plain Python over boto3, with no Django underneath."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_sqs_layer_loads_no_django():
    probe = (
        "import sys, queues.sqs, queues.sqs.identity; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_ruff_refuses_a_django_import_in_the_sqs_layer(tmp_path):
    ruff = Path(sys.executable).with_name("ruff")
    offender = ROOT / "queues" / "sqs" / "_probe_offender.py"
    offender.write_text("from __future__ import annotations\n\nimport django\n\nprint(django)\n")
    try:
        result = subprocess.run(
            [ruff, "check", "--no-cache", str(offender)], cwd=ROOT, capture_output=True, text=True
        )
    finally:
        offender.unlink()
    assert result.returncode == 1
    assert "TID251" in result.stdout and "plain Python over boto3" in result.stdout
