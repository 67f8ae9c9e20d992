"""Money: the price before paying, the cost after, budgets that hold exactly.

The price table is checked against the figures `../shared/vendor-docs/prices.md` quotes (written
out here, not read from the table), every capability model has rows, and the estimate of a
request finds the row its model, length, quality and watermark choice select. Budgets are
driven through the batch (64 slots, then a resume), across two workers on PostgreSQL, through
`Client(budget=...)` with threads, and against a sandbox that charges by the same table.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from sora_unified import (
    Budget,
    BudgetExceededError,
    CharacterRequest,
    Client,
    Cost,
    PriceUnknownError,
    Shot,
    VideoRequest,
    WatermarkRemovalRequest,
    capabilities,
    estimate,
    prices,
)
from sora_unified._prices import models_without_rows
from sora_unified.batch import Job, SQLiteJobStore, open_store
from sora_unified.cli import main
from sora_unified.sandbox import SANDBOX_KEY, Fault, Sandbox, SandboxConfig
from sora_unified.vendors import load_adapter

from contract_tests.batch.test_batch import TIMING, World, world  # noqa: F401
from contract_tests.support.fakes import INSTANT_SETTINGS, FakeClock

IMAGE = "https://example.com/frame.png"

# Published figures (prices.md), independent of the table's text: (vendor, request, amount).
PUBLISHED: list[tuple[str, VideoRequest, float]] = [
    ("kie", VideoRequest(prompt="x", model="sora-2-text-to-video", seconds=10), 30),
    (
        "kie",
        VideoRequest(prompt="x", model="sora-2-pro-text-to-video", seconds=15, quality="high"),
        630,
    ),
    (
        "kie",
        VideoRequest(prompt="x", model="sora-2-pro-image-to-video", seconds=10, image_url=IMAGE),
        150,  # its documented default quality is standard
    ),
    ("kie", VideoRequest(prompt="a cat"), 330),  # the default: pro text-to-video, high, 10 s
    ("evolink", VideoRequest(prompt="x", seconds=8, quality="high"), 230.44608),
    ("evolink", VideoRequest(prompt="x", seconds=12), 69.12),  # sora-2-preview
    ("evolink", VideoRequest(prompt="x", seconds=15, quality="high"), 46),  # watermark removed
    ("modelverse", VideoRequest(prompt="x", seconds=8), 0.71 * 8),
]


@pytest.mark.parametrize(("vendor", "request_", "amount"), PUBLISHED)
def test_estimates_match_the_published_figures(
    vendor: str, request_: VideoRequest, amount: float
) -> None:
    priced = estimate(vendor, request_)
    assert priced.amount == pytest.approx(amount)


def test_every_model_the_vendors_command_lists_has_price_rows() -> None:
    assert models_without_rows() == []


def _request_for(row: Any) -> Any:
    caps = capabilities().model(row.vendor, row.model)
    if caps.kind == "character":
        if caps.character_source == "clip":
            return CharacterRequest(video_url="https://example.com/c.mp4", model=row.model)
        return CharacterRequest(task="t1", start=0, end=2, prompt="who", model=row.model)
    if caps.kind == "watermark_removal":
        return WatermarkRemovalRequest(video_url="https://sora.chatgpt.com/p/x", model=row.model)
    fields: dict[str, Any] = {"model": row.model}
    if not caps.keeps_source_shape:
        fields["seconds"] = row.seconds or caps.seconds[0]
    if caps.kind == "remix":
        fields["remix_of"] = (caps.source_task_prefix or "") + "1"
    if caps.storyboard == "required":
        fields["shots"] = (Shot(scene="a", seconds=1),)
    else:
        fields["prompt"] = "x"
    if caps.image_input == "required":
        fields["image_url"] = IMAGE
    if row.quality is not None and len(caps.qualities) > 1:
        fields["quality"] = row.quality
    if row.remove_watermark is not None:
        fields["remove_watermark"] = row.remove_watermark
    return VideoRequest(**fields)


@pytest.mark.parametrize(
    "row",
    [row for row in prices() if capabilities().model(row.vendor, row.model).described],
    ids=lambda row: f"{row.vendor}-{row.model}-{row.describe()}",
)
def test_the_estimate_of_a_request_is_its_row(row: Any) -> None:
    priced = estimate(row.vendor, _request_for(row))
    assert priced.price == row
    if row.amount is None:
        assert priced.amount is None and priced.cost() is None
    else:
        seconds = priced.seconds if row.per == "second" else 1
        assert priced.amount == pytest.approx(row.amount * seconds)
        cost = priced.cost()
        assert cost is not None and cost.source == "estimated" and cost.unit == row.unit


def test_notices_say_where_the_request_left_the_price_to_defaults() -> None:
    plain = estimate("kie", VideoRequest(prompt="a cat"))
    assert plain.model == "sora-2-pro-text-to-video"
    assert any("uses sora-2-pro-text-to-video" in n for n in plain.notices)
    assert any("high by default" in n for n in plain.notices)
    remix = estimate("evolink", VideoRequest(prompt="x", remix_of="task-unified-1"))
    assert any("the remix is 15 s" in n for n in remix.notices)
    watermark = estimate("evolink", VideoRequest(prompt="x", seconds=10))
    assert watermark.remove_watermark is True
    assert any("at a higher price" in n for n in watermark.notices)
    asked = estimate("kie", VideoRequest(prompt="x", model="sora-2-text-to-video", seconds=10))
    assert asked.notices == ()


def test_an_estimate_checks_the_request_first() -> None:
    with pytest.raises(ValueError, match="seconds"):
        estimate("kie", VideoRequest(prompt="x", seconds=7))


# -- what vendors report reaches Video.cost -----------------------------------------------------


def test_every_reported_cost_field_of_the_specs_reaches_the_cost() -> None:
    kie, evolink = load_adapter("kie"), load_adapter("evolink")
    for field in ("creditsConsumed", "consumeCredits"):
        body = {"code": 200, "data": {"taskId": "t", "state": "success", field: 45}}
        cost = kie.parse_status(body).cost
        assert cost == Cost(
            amount=45.0, unit="kie credits", source="reported", usd=0.225, basis=f"kie {field}"
        )
    usage = {"usage": {"billing_rule": "per_call", "credits_reserved": 7, "user_group": "x"}}
    created = {"id": "task-unified-1", "status": "pending", **usage}
    assert evolink.submit_cost(created) is not None
    assert evolink.submit_cost(created).amount == 7  # type: ignore[union-attr]
    assert evolink.parse_status(created).cost.amount == 7  # type: ignore[union-attr]
    assert evolink.parse_status({"id": "t", "status": "pending", "usage": None}).cost is None
    assert kie.parse_status({"code": 200, "data": {"state": "waiting"}}).cost is None


def test_the_sandbox_charges_by_the_table_and_reports_as_each_vendor_does() -> None:
    with Sandbox(SandboxConfig(timing=TIMING)) as sandbox:
        with Client("evolink", **sandbox.client_options("evolink")) as client:
            task = client.submit(VideoRequest(prompt="x", seconds=4, quality="high"))
            assert task.cost is not None and task.cost.amount == pytest.approx(115.22304)
            assert client.credits() == pytest.approx(1_000_000 - 115.22304)
            assert client.retrieve(task).cost == task.cost
        with Client("kie", **sandbox.client_options("kie")) as client:
            request = VideoRequest(prompt="x", model="sora-2-text-to-video", seconds=15)
            task = client.submit(request)
            assert task.cost is None  # kie's create answer says nothing of cost
            assert client.credits() == 1_000_000 - 45
            video = client.retrieve(task)
            assert video.cost is not None and video.cost.source == "estimated"
            assert video.cost.amount == 45


# -- budgets ---------------------------------------------------------------------------------------

CHEAP = {"model": "sora-2-text-to-video", "seconds": 10}  # 30 kie credits


def _cheap_jobs(count: int) -> list[Job]:
    return [
        Job(n + 1, f"job-{n}", None, {"prompt": f"job {n}: a corgi", **CHEAP}) for n in range(count)
    ]


def test_max_cost_holds_with_64_slots_and_across_a_resume(world: World) -> None:  # noqa: F811
    """The overshoot of the issue: 90 credits, 30 a job, 64 slots, then a resume: 3 submits."""
    world.store.add(_cheap_jobs(10), default_vendor="kie")
    summary, _ = world.run(max_cost=90.0, job_slots=64)
    assert summary.counts == {"completed": 3, "skipped": 7}
    again, _ = world.run(max_cost=90.0, job_slots=64)
    assert again.counts == {"completed": 3, "skipped": 7}
    assert sum(world.tasks_per_job().values()) == 3
    assert world.sandbox.state.credits_used[("kie", SANDBOX_KEY)] == 90
    assert summary.costs == {"kie credits": 90.0}
    lines = [json.loads(line) for line in (world.out / "results.jsonl").read_text().splitlines()]
    paid = [line["cost"] for line in lines if line["task"]]
    assert paid == [{"amount": 30.0, "unit": "kie credits", "source": "estimated", "usd": 0.15}] * 3
    assert all(line["cost"] is None for line in lines if not line["task"])


def test_a_refused_submit_gives_its_reservation_back(tmp_path: Path) -> None:
    refusal = Fault(kind="insufficient_credits", vendor="kie", endpoint="submit", nth=(1,))
    refused = World(tmp_path, faults=(refusal,))
    try:
        refused.store.add(_cheap_jobs(4), default_vendor="kie")
        summary, _ = refused.run(max_cost=60.0, job_slots=1)
    finally:
        refused.close()
    assert summary.counts == {"completed": 2, "failed": 1, "skipped": 1}


def test_the_vendors_figure_settles_the_reservation(tmp_path: Path) -> None:
    """evolink reports each charge; a vendor charging 1.5 times its price overshoots the budget
    by less than one job's difference, never more."""
    config = SandboxConfig(timing=TIMING, charge_factor=1.5)
    store = SQLiteJobStore(tmp_path / "b.sqlite3")
    jobs = [Job(n + 1, f"j{n}", None, {"prompt": f"p{n}", "seconds": 4}) for n in range(10)]
    store.add(jobs, default_vendor="evolink")
    clock = FakeClock()  # the tasks take their time on it, not in real time
    with Sandbox(config, clock=clock) as sandbox:
        from sora_unified import AsyncClient
        from sora_unified.batch import BatchOptions, run_batch

        def client(vendor: str) -> AsyncClient:
            options = sandbox.client_options(vendor)
            return AsyncClient(vendor, **options, clock=clock, max_retries=0)

        limit = 23.04 * 4  # four at the published price
        summary = run_batch(
            store,
            client,
            BatchOptions(out=tmp_path / "o", max_cost=limit, job_slots=1, wait_timeout=60),
        )
        charged = sandbox.state.credits_used[("evolink", SANDBOX_KEY)]
    assert summary.costs["evolink credits"] == pytest.approx(charged)
    assert "evolink credits" not in summary.estimated_costs  # every figure is the vendor's
    assert charged <= limit + 23.04 * 0.5 + 1e-9
    assert summary.counts["completed"] == 3  # 3 x 34.56 = 103.68; a 4th would reserve past it
    store.close()


def test_a_budget_is_shared_by_workers_on_postgresql(postgres_url: str) -> None:
    stores = [open_store(postgres_url) for _ in range(2)]
    stores[0].add(_cheap_jobs(12), default_vendor="kie")
    began: list[bool] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        store = stores[index % 2]
        while (claimed := store.claim(f"w{index}")) is not None:
            ok = store.begin_submit(claimed.custom_id, f"w{index}", None, price=30, max_cost=90)
            with lock:
                began.append(ok)
            if ok:
                store.submitted(claimed.custom_id, f"kie:{claimed.custom_id}")
            else:
                store.skipped(claimed.custom_id, "--max-cost reached")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert began.count(True) == 3
    for store in stores:
        store.close()


def test_a_budget_in_the_library_holds_across_threads() -> None:
    budget = Budget(90, vendor="kie")
    with Sandbox(SandboxConfig(timing=TIMING)) as sandbox:
        with Client("kie", **sandbox.client_options("kie"), budget=budget) as client:
            outcomes: list[str] = []

            def one() -> None:
                try:
                    client.submit(VideoRequest(prompt="x", **CHEAP))  # type: ignore[arg-type]
                    outcomes.append("sent")
                except BudgetExceededError:
                    outcomes.append("refused")

            threads = [threading.Thread(target=one) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert sorted(outcomes) == ["refused"] * 5 + ["sent"] * 3
            assert sandbox.state.tasks_created("kie") == 3
            assert budget.committed == 90 and budget.remaining == 0
            with pytest.raises(PriceUnknownError, match="assumed_prices"):
                client.submit(
                    VideoRequest(prompt="x", model="sora-2-image-to-video-stable", image_url=IMAGE)
                )
            assert sandbox.state.tasks_created("kie") == 3


def test_a_reservation_settles_and_releases() -> None:
    budget = Budget(100, vendor="evolink")
    priced = estimate("evolink", VideoRequest(prompt="x", seconds=4))
    first = budget.reserve(priced)
    assert budget.committed == pytest.approx(23.04)
    first.settle(10)
    assert budget.committed == pytest.approx(10)
    budget.reserve(priced).release()
    assert budget.committed == pytest.approx(10)
    with pytest.raises(BudgetExceededError, match=r"23\.04 evolink credits"):
        Budget(20, vendor="evolink").reserve(priced)
    unknown = estimate("evolink", VideoRequest(prompt="x", seconds=10))
    assert (
        Budget(100, vendor="evolink", assumed_prices={"sora-2": 40}).reserve(unknown).amount == 40
    )


# -- the command ------------------------------------------------------------------------------------


def _write(path: Path, bodies: list[dict[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps({"custom_id": f"c{n}", "body": b}) + "\n" for n, b in enumerate(bodies))
    )
    return path


def test_dry_runs_print_the_model_and_price(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "a cat", "--vendor", "kie", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "kie sora-2-pro-text-to-video, 10 s, high: 330 kie credits ($1.65)" in out
    assert "quality not given" in out and "nothing was sent" in out
    jobs = _write(tmp_path / "j.jsonl", [{"prompt": "a", **CHEAP}] * 2 + [{"prompt": "b"}])
    code = main(["batch", str(jobs), "--vendor", "kie", "--out", str(tmp_path / "o"), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "2 x kie sora-2-text-to-video: 60 kie credits" in out
    assert "1 x kie sora-2-pro-text-to-video: 330 kie credits" in out
    assert "total: 390 kie credits" in out


def test_max_cost_needs_a_budget_per_vendor_and_known_prices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs = _write(tmp_path / "j.jsonl", [{"prompt": "a", **CHEAP}])
    base = ["batch", str(jobs), "--vendor", "kie", "--sandbox", "--out", str(tmp_path / "o")]
    assert main([*base, "--fallback", "evolink", "--max-cost", "90"]) == 2
    err = capsys.readouterr().err
    assert "--max-cost evolink=AMOUNT --max-cost kie=AMOUNT" in err
    unpriced = _write(tmp_path / "u.jsonl", [{"prompt": "a", "seconds": 10}])
    evolink = ["batch", str(unpriced), "--vendor", "evolink", "--sandbox"]
    assert main([*evolink, "--out", str(tmp_path / "p"), "--max-cost", "50"]) == 2
    assert "no price is published" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_modelverse_has_a_budget_by_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "sandbox.json"  # tasks that finish at once: the budget is under test
    settings.write_text(json.dumps(INSTANT_SETTINGS))
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX_CONFIG", str(settings))
    jobs = _write(tmp_path / "j.jsonl", [{"prompt": f"p{n}", "seconds": 4} for n in range(4)])
    args = ["batch", str(jobs), "--vendor", "modelverse", "--sandbox", "--out", str(tmp_path / "o")]
    code = main([*args, "--max-cost", "6", "--json"])  # 2.84 CNY a job: two fit
    results = [
        json.loads(line) for line in (tmp_path / "o" / "results.jsonl").read_text().splitlines()
    ]
    assert [r["status"] for r in results].count("completed") == 2
    assert code == 22
    final = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert final["costs"] == [{"unit": "CNY", "amount": 5.68, "estimated": True}]


def test_a_cost_reads_as_the_source_wrote_it() -> None:
    cost = Cost(amount=115.22304, unit="evolink credits", source="reported")
    assert str(cost) == "115.22304 evolink credits, reported"
    assert str(Cost(amount=30.0, unit="kie credits", source="estimated", usd=0.15)) == (
        "30 kie credits ($0.15), estimated"
    )
