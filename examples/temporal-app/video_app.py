"""Your own Temporal application making a video with sora-unified's workflow and activities.

    pip install "sora-unified[temporal]"
    KIE_API_KEY=... python video_app.py localhost:7233 out/

It registers `VideoJobWorkflow` and the activities in its own workers (the general queue, and
the kie key's submit queue at kie's documented rate), runs one video and prints where it is.
sora-unified's suite runs this file against a Temporal development server and the sandbox.
"""

from __future__ import annotations

import asyncio
import os
import sys

from sora_unified import AsyncClient
from sora_unified.temporal import (
    JobInput,
    SoraActivities,
    VideoJobWorkflow,
    documented_submit_rate,
    submit_queue,
    workflow_runner,
)
from temporalio.client import Client
from temporalio.worker import Worker

QUEUE = "my-video-app"


async def main(address: str, out: str) -> int:
    temporal = await Client.connect(address)
    clients: dict[str, AsyncClient] = {}

    def client(vendor: str) -> AsyncClient:  # one per vendor, its key from the environment
        if vendor not in clients:
            clients[vendor] = AsyncClient(vendor)
        return clients[vendor]

    activities = SoraActivities(client)
    submits = submit_queue("kie", os.environ["KIE_API_KEY"], base=QUEUE)
    general = Worker(
        temporal,
        task_queue=QUEUE,
        workflows=[VideoJobWorkflow],
        activities=activities.general(),
        workflow_runner=workflow_runner(),
    )
    paid = Worker(
        temporal,
        task_queue=submits,
        activities=activities.submits(),
        max_task_queue_activities_per_second=documented_submit_rate("kie"),
    )
    job = JobInput("corgi", "kie", {"prompt": "a corgi surfing"}, out, submit_queue=submits)
    async with general, paid:
        result = await temporal.execute_workflow(
            VideoJobWorkflow.run, job, id=f"{QUEUE}-{job.custom_id}", task_queue=QUEUE
        )
    print(result.status, result.task, result.file)
    return 0 if result.status == "completed" else 1


if __name__ == "__main__":
    code = asyncio.run(main(sys.argv[1], sys.argv[2]))
    # Leave without the interpreter's teardown: temporalio's Rust runtime keeps threads that may
    # call into Python while it finalizes, and the process would abort (temporalio/sdk-python#300).
    sys.stdout.flush()
    os._exit(code)
