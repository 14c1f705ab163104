"""Small helpers the tests share: page URLs, and queue state read or made with plain boto3."""

from __future__ import annotations

import json
import re
from html import unescape
from types import SimpleNamespace

import boto3
from django.urls import reverse

from bench.harness import raw_receive
from queues.profiles import credentials

REGION = "us-east-1"
HTMX = {"HX-Request": "true"}


def between_tags(html: str) -> str:
    """HTML with its layout whitespace evened out (a run as one space, none between tags or
    before a closing tag: <pre> text is the same escaped string on both sides), and quotes
    escaped as html.escape does (markupsafe writes &#34; and &#39;): to hold HTML built in
    Python to the template it replaced."""
    html = html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"> <", "><", re.sub(r" </", "</", html)).strip()


def aws_client(service: str, endpoint: str, region: str = REGION):
    """Plain boto3 for `service` on the test server at `endpoint`, with the tests' keys."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def receive_all(raw_sqs, url: str) -> list[dict]:
    """Every message of a small queue (up to 100), received and left invisible (the test ends
    after)."""
    return raw_receive(raw_sqs, url, 100, lease=60)


def operations_of(client) -> list[str]:
    """The operations `client` makes from now on, by name, as they are made."""
    seen: list[str] = []
    client.meta.events.register("before-call.*.*", lambda model, **kw: seen.append(model.name))
    return seen


def profile_calls(profile, service: str = "sqs", region: str = REGION) -> list[str]:
    """The operations the dashboard's own cached client for `service` makes from now on."""
    return operations_of(credentials.client_for(profile, region, service))


def refuse_cloudwatch(profile) -> None:
    """CloudWatch answers the profile's GetMetricData with AccessDenied, as when its role lacks
    cloudwatch:GetMetricData."""

    def refuse(**kwargs):
        error = {"Error": {"Code": "AccessDenied", "Message": "no cloudwatch:GetMetricData"}}
        return SimpleNamespace(status_code=403), {**error, "ResponseMetadata": {}}

    credentials.client_for(profile, REGION, "cloudwatch").meta.events.register(
        "before-call.cloudwatch.GetMetricData", refuse
    )


def send_from_page(client, profile, queue: str, body: str, **fields):
    """The messages page's Send (through htmx): `copies` 1 of a text body unless `fields` say
    otherwise."""
    return client.post(
        page_url("messages-send", profile, queue),
        {"body": body, "body_format": "text", "copies": 1, **fields},
        headers=HTMX,
    )


def page_url(view: str, profile, queue: str | None = None, region: str = REGION) -> str:
    """A dashboard URL (`console:<view>`) in the profile's workspace, for a queue if given."""
    args = [profile.slug, region] + ([queue] if queue else [])
    return reverse(f"console:{view}", args=args)


def attributes(raw_sqs, name: str) -> dict[str, str]:
    url = raw_sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return raw_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def redrive(raw_sqs, dlq: str, max_receives: int = 3) -> str:
    """A RedrivePolicy that sends messages to `dlq` after `max_receives` receives."""
    arn = attributes(raw_sqs, dlq)["QueueArn"]
    return json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": str(max_receives)})


def visible(raw_sqs, url: str) -> int:
    counts = raw_sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(counts["ApproximateNumberOfMessages"])


def send(raw_sqs, url: str, count: int, *, groups: int = 0, **extra) -> None:
    """`count` messages; on a FIFO queue spread over `groups` groups (default one each)."""
    fifo = url.endswith(".fifo")
    groups = groups or count
    for start in range(0, count, 10):
        entries = [
            {
                "Id": str(i),
                "MessageBody": f"message {i}",
                **({"MessageGroupId": f"g{i % groups}"} if fifo else {}),
                **extra,
            }
            for i in range(start, min(start + 10, count))
        ]
        raw_sqs.send_message_batch(QueueUrl=url, Entries=entries)


# Where an error shows: inside its own field's box, just under the field's inputs.
_ERRORS_AWAY_FROM_FIELDS = """() => {
  const away = [];
  for (const field of document.querySelectorAll(".field.has-error")) {
    const error = field.querySelector(".errorlist");
    const inputs = [...field.querySelectorAll("input, select, textarea")];
    if (!error || !inputs.length) { away.push(field.id + ": no error or input"); continue; }
    const e = error.getBoundingClientRect();
    const f = field.getBoundingClientRect();
    const bottom = Math.max(...inputs.map((i) => i.getBoundingClientRect().bottom));
    const left = Math.min(...inputs.map((i) => i.getBoundingClientRect().left));
    const inside =
      e.left >= f.left - 1 && e.right <= f.right + 1 && error.scrollWidth <= error.clientWidth + 1;
    // Under the inputs, with at most the help text (a few lines) between them.
    const below = e.top >= bottom - 1 && e.top - bottom < 90;
    if (!inside || !below || Math.abs(e.left - left) > 40) {
      away.push(`${field.id}: error at ${e.left},${e.top}; inputs end at ${left},${bottom}`);
    }
  }
  return away;
}"""


def errors_away_from_their_fields(page) -> list[str]:
    """The fields (by id) whose error is not right under their own inputs on the page as laid
    out now; every field with an error must have one."""
    return page.evaluate(_ERRORS_AWAY_FROM_FIELDS)


_FIELD_BLOCK = re.compile(r'id="field-([\w-]+)"(.*?)(?=id="field-|\Z)', re.S)
_ERROR_LIST = re.compile(r'<ul class="errorlist"[^>]*>(.*?)</ul>', re.S)
_PAGE_ERROR = re.compile(r'<p class="error" role="alert">(.*?)</p>', re.S)


def form_errors(html: str) -> dict[str, list[str]]:
    """The errors a form page shows, as its reader sees them: by field (the errors under the
    `field-<name>` block of templates/forms/field.html), and a page's error of no one field
    under "__all__"."""
    errors = {}
    for name, block in _FIELD_BLOCK.findall(html):
        if found := _ERROR_LIST.search(block):
            items = re.findall(r"<li>(.*?)</li>", found[1], re.S)
            errors[name] = [unescape(item) for item in items]
    if found := _PAGE_ERROR.search(html):
        errors["__all__"] = [unescape(found[1])]
    return errors
