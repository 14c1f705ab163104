from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import workspace
from ..roles import BROWSE, require_permission
from ..services import Queue, SqsError

# How many GetQueueAttributes calls run at once for one page of the list.
COUNT_CONCURRENCY = 16


@require_GET
@require_permission(BROWSE)
def queue_list(request: HttpRequest, profile: str, region: str) -> HttpResponse:
    current = workspace.enter(request, profile, region)
    prefix = request.GET.get("prefix", "").strip()
    token = request.GET.get("next") or None
    context: dict = {"prefix": prefix, "queues": [], "next_token": None, "error": None}
    try:
        page = current.sqs.list_queues(prefix, next_token=token)
        with ThreadPoolExecutor(max_workers=COUNT_CONCURRENCY) as pool:
            queues: list[Queue] = list(pool.map(current.sqs.get_queue_by_url, page.urls))
        context.update(queues=queues, next_token=page.next_token)
    except SqsError as error:
        context["error"] = str(error)
    template = "queues/queue_list.html#queue-table" if request.htmx else "queues/queue_list.html"
    return render(request, template, context)
