"""sora-unified jobs as Temporal workflows (`pip install "sora-unified[temporal]"`).

Register them in your own worker, or let `sora-unified worker --engine temporal` run one:

    from temporalio.client import Client
    from sora_unified import AsyncClient
    from sora_unified.temporal import workers, run_workers

    temporal = await Client.connect("localhost:7233")
    keys = {"kie": os.environ["KIE_API_KEY"]}
    await run_workers(workers(temporal, lambda vendor: AsyncClient(vendor), keys))

`BatchWorkflow` owns a batch's ledger (job states, task ids, results.jsonl, the budgets);
`VideoJobWorkflow` is one video: the submit has exactly one attempt (an attempt that fails
after its request may have left is `uncertain`, never sent again), the wait and the download
are retried. Paid submits go through one task queue per vendor key (`submit_queue`), which
the Temporal server rate-limits across every worker at the vendor's documented rate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._activities import SoraActivities
    from ._batch import batch_id, batch_input, run_batch, start_batch
    from ._dev_server import start_dev_server, temporal_cli
    from ._types import (
        JOB_STATES,
        BatchInput,
        BatchResult,
        Checked,
        JobInput,
        JobResult,
        Submitted,
        Waited,
    )
    from ._worker import (
        documented_submit_rate,
        key_fingerprint,
        run_workers,
        submit_queue,
        workers,
        workflow_runner,
    )
    from ._workflows import TASK_QUEUE, UNCERTAIN, BatchWorkflow, VideoJobWorkflow

# Imported on first use: Temporal's workflow sandbox imports the workflows' module and its
# packages again for each run, and must find nothing there that is not deterministic.
_HOMES = {
    "SoraActivities": "_activities",
    "start_dev_server": "_dev_server",
    "temporal_cli": "_dev_server",
    "batch_input": "_batch",
    "run_batch": "_batch",
    "start_batch": "_batch",
    "batch_id": "_batch",
    "JOB_STATES": "_types",
    "BatchInput": "_types",
    "BatchResult": "_types",
    "Checked": "_types",
    "JobInput": "_types",
    "JobResult": "_types",
    "Submitted": "_types",
    "Waited": "_types",
    "documented_submit_rate": "_worker",
    "key_fingerprint": "_worker",
    "run_workers": "_worker",
    "submit_queue": "_worker",
    "workers": "_worker",
    "workflow_runner": "_worker",
    "TASK_QUEUE": "_workflows",
    "UNCERTAIN": "_workflows",
    "BatchWorkflow": "_workflows",
    "VideoJobWorkflow": "_workflows",
}
__all__ = [
    "JOB_STATES",
    "TASK_QUEUE",
    "UNCERTAIN",
    "BatchInput",
    "BatchResult",
    "BatchWorkflow",
    "Checked",
    "JobInput",
    "JobResult",
    "SoraActivities",
    "Submitted",
    "VideoJobWorkflow",
    "Waited",
    "batch_id",
    "batch_input",
    "documented_submit_rate",
    "key_fingerprint",
    "run_batch",
    "run_workers",
    "start_batch",
    "start_dev_server",
    "submit_queue",
    "temporal_cli",
    "workers",
    "workflow_runner",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals(), __all__)
