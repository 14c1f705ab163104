"""AWS region names, from botocore's bundled endpoint data (no network needed)."""

from __future__ import annotations

import re
from functools import cache

import boto3

# Partition-agnostic shape: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-7…
REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


@cache
def known_regions() -> tuple[str, ...]:
    session = boto3.Session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("sqs", partition_name=partition))
    return tuple(sorted(regions))


def is_region_name(value: str) -> bool:
    return bool(REGION_RE.match(value))
