"""A task and its status in the unified vocabulary: the Task made from a submit's answer, and
every status read merged with what the task was planned as.

What was asked for (and paid) is the length: vendors' own figures disagree with it (evolink
documents video_duration 9 for a 4 s request), so a status read says the planned length, and
fills a missing size, model and cost from the plan.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from ._api_errors import excerpt
from ._capabilities import Plan
from ._planning import planned, planned_from
from ._redact import redact_value
from ._retry import uncertain_submission
from .errors import ConfigurationError, SoraError
from .types import Character, Task, Video, VideoRequest
from .vendors.base import VendorAdapter

__all__ = ["character_of", "coerce_task", "merged_video", "new_task"]

logger = logging.getLogger("sora_unified")


def new_task(adapter: VendorAdapter, plan: Plan, body: Any) -> Task:
    """The Task the vendor's answer to a submit created; a SubmissionUncertainError when the
    answer has no task id (the vendor may have created one)."""
    task_id = adapter.task_id_from_submit(body)
    if task_id is None:
        raise uncertain_submission(
            adapter.name,
            SoraError(f"the vendor accepted the request but sent no task id: {excerpt(str(body))}"),
        )
    request = plan.request
    if isinstance(request, VideoRequest) and isinstance(request.image, bytes):
        # The task keeps what it needs to be read back, not the photo's bytes (sent inline).
        pinned = request.orientation or (None if request.size else plan.orientation)
        request = replace(request, image=None, orientation=pinned)
    task = Task(
        vendor=adapter.name,
        id=task_id,
        model=plan.model.model,
        request=request,
        cost=adapter.submit_cost(body),
        planned=planned_from(plan),
    )
    logger.info("%s: created task %s", adapter.name, task)
    return task


def coerce_task(task: Task | str, vendor: str) -> Task:
    """`task` as a Task of `vendor` (a `vendor:id` string is parsed), carrying its plan."""
    parsed = Task.parse(task) if isinstance(task, str) else task
    if not isinstance(parsed, Task):
        raise TypeError(f"expected a Task or a 'vendor:id' string; got {type(task).__name__}")
    if parsed.vendor != vendor:
        raise ConfigurationError(f"task {parsed} belongs to {parsed.vendor}, not {vendor}")
    if parsed.planned is None and (plan := planned(parsed)) is not None:
        return replace(parsed, planned=plan)  # rebuilt only when there is a plan to carry
    return parsed


def merged_video(
    adapter: VendorAdapter, task: Task, body: Any, *, api_key: str, base_url: str
) -> Video:
    """A status answer as a Video: the vendor's words mapped, the key scrubbed from every
    field, the content endpoint as the link where the vendor serves results itself, and the
    length, size, model and cost of the task's plan filled in."""
    # A vendor may echo the key in any field (a failure message, a state word): the Video
    # leaves as clean as the errors do.
    video = redact_value(adapter.parse_status(body, task_id=task.id), (api_key,))
    path = adapter.content_path(task.id) if video.status == "completed" else None
    if path is not None and not video.video_urls:  # fetched from the API, with the key
        video = replace(video, video_urls=(base_url.rstrip("/") + path,))
    plan = planned(task)
    cost = video.cost
    if cost is None and plan is not None:  # not reported: the estimate
        cost = plan.cost
    request = task.request
    if not isinstance(request, VideoRequest) or plan is None:
        return video if cost is video.cost else replace(video, cost=cost)
    wanted: dict[str, Any] = {
        "seconds": float(plan.seconds) if plan.seconds else video.seconds,
        "size": video.size or plan.size,
        "model": video.model or task.model,
        "watermark_removal": bool(request.remove_watermark),
        "cost": cost,
    }
    # Most polls already say all this: `replace` rebuilds all twenty fields (~15 us).
    changed = {name: value for name, value in wanted.items() if getattr(video, name) != value}
    return replace(video, **changed) if changed else video


def character_of(task: Task, video: Video) -> Character:
    """The character a finished character task made."""
    character = video.character
    if character is None:
        raise SoraError(f"{task} finished without a character id in its result", task=task)
    return replace(character, task=task)
