"""Instructions per request: the dashboard's own work on each page, counted, not timed.

The overhead bench times pages, and on a shared 2-core machine its milliseconds move with the
machine (by a quarter over an afternoon, by half between days): a change worth 0.2 ms cannot be
told from the noise. This bench counts the instructions a page costs the dashboard instead, with
callgrind, which gives the same count for the same code whatever else the machine runs: from run
to run most pages agree to 0.3 %; send and the edit form moved by ~0.5 M (threads' timing around
the parallel calls, SQLite's checkpoints after the audit's writes).

The same requests as the overhead bench (bench/overhead.py, page_requests) are made in a process
of their own under callgrind (bench/_counted.py): the production WSGI application, DEBUG off,
every middleware, the database and the audit trail as served, with each SQS call answered by
replaying the answer it got from the SQS server when the page was warmed up (boto3's and the
server's work are the same calls the overhead bench subtracts as the floor). Every thread is
counted; the garbage collector is off while a page is counted.

Needs valgrind (Debian's package: apt-get install -y valgrind). INSTRUCTIONS_REQUESTS (5)
requests a page are counted, after INSTRUCTIONS_WARM (4). Takes about two minutes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.harness import REGION, Bench
from bench.overhead import _seed, first_chunk_path, page_requests

TITLE = "Instructions per request the dashboard adds (callgrind; SQS answers replayed)"
REQUESTS = int(os.environ.get("INSTRUCTIONS_REQUESTS", "5"))
WARM = int(os.environ.get("INSTRUCTIONS_WARM", "4"))
_SUMMARY = re.compile(r"^summary: (\d+)$", re.M)


@dataclass(frozen=True)
class CountRow:
    label: str
    calls: str
    instructions: float  # per request


def print_table(title: str, rows: list[CountRow]) -> None:
    if not rows:
        return
    print(f"\n{title}")
    print(f"{REQUESTS} requests a page after {WARM} to warm up; millions of instructions each")
    print(f"{'page':<14} {'SQS calls (answers replayed)':<52} {'instructions':>12}")
    for row in rows:
        print(f"{row.label:<14} {row.calls:<52} {row.instructions / 1e6:>10.2f} M")


def run(bench: Bench) -> list[CountRow]:
    if shutil.which("valgrind") is None:
        print(f"\n{TITLE}\nskipped: valgrind is not installed (apt-get install -y valgrind)")
        return []
    _seed(bench)
    workspace = bench.url(f"/p/{bench.profile.slug}/{REGION}/queues/")
    chunk = first_chunk_path(bench.http.get(workspace, timeout=30).text)
    pages = page_requests(bench.profile.slug, chunk, chunk.count("&q="))
    with tempfile.TemporaryDirectory(prefix="sqsadmin-callgrind-") as scratch:
        spec = Path(scratch) / "spec.json"
        spec.write_text(
            json.dumps(
                {
                    "cookies": {n: bench.http.cookies[n] for n in ("sessionid", "csrftoken")},
                    "pages": [asdict(page) for page in pages],
                    "requests": REQUESTS,
                    "warm": WARM,
                }
            )
        )
        out = Path(scratch) / "callgrind.out"
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                f"--log-file={Path(scratch) / 'valgrind.log'}",
                "--dump-before=math_fsum",
                "--dump-after=math_fsum",
                sys.executable,
                "-m",
                "bench._counted",
                str(spec),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"the counted run failed:\n{done.stdout}\n{done.stderr[-3000:]}")
        # Dumps alternate: the warm-up before a page's timed requests, then those requests.
        dumps = sorted(Path(scratch).glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
        counts = [int(_SUMMARY.search(p.read_text()).group(1)) for p in dumps[1::2]]
    if len(counts) != len(pages):
        raise SystemExit(f"callgrind dumped {len(counts)} counts for {len(pages)} pages")
    return [
        CountRow(page.label, page.calls, count / REQUESTS)
        for page, count in zip(pages, counts, strict=True)
    ]
