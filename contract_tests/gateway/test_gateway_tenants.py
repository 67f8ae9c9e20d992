"""The gateway for several users: each key is a tenant that sees, changes and pays with only its
own videos, and an Idempotency-Key is the tenant's and the request's (Stripe's rule)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

openai = pytest.importorskip("openai", reason="make test installs the pinned openai package")

from sora_unified.errors import ConfigurationError  # noqa: E402
from sora_unified.gateway import GatewayKey, fingerprint, gateway_keys, parse_keys  # noqa: E402

from contract_tests.support.gateway_world import ALICE, BOB, World  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = World(tmp_path, "evolink")  # evolink sells remix: every operation can be tried
    yield made
    made.close()


def test_another_tenant_finds_nothing_of_a_video_it_does_not_own(world: World) -> None:
    video = world.alice.videos.create_and_poll(prompt="alice's corgi", seconds="10")
    unknown = "video_" + "0" * 32
    for attempt in (
        world.bob.videos.retrieve,
        world.bob.videos.delete,
        world.bob.videos.download_content,
        lambda v: world.bob.videos.download_content(v, variant="thumbnail"),  # no check first
        lambda v: world.bob.videos.remix(v, prompt="bob's idea"),
    ):
        with pytest.raises(openai.NotFoundError) as theirs:
            attempt(video.id)
        with pytest.raises(openai.NotFoundError) as nobodys:
            attempt(unknown)
        # Exactly what an unknown id gets: nothing tells Bob that the video exists.
        assert theirs.value.body == {**nobodys.value.body, "message": theirs.value.body["message"]}  # type: ignore[dict-item]
        assert theirs.value.message.replace(video.id, unknown) == nobodys.value.message
    assert [v.id for v in world.bob.videos.list()] == []
    with pytest.raises(openai.NotFoundError):
        world.bob.videos.list(after=video.id)
    assert world.alice.videos.retrieve(video.id).status == "completed"  # untouched
    assert world.sandbox.state.tasks_created("evolink") == 1  # Bob's remix paid for nothing


def test_each_tenant_lists_its_own_videos_only(world: World) -> None:
    mine = [world.alice.videos.create(prompt=f"a{n}", seconds="10").id for n in range(3)]
    theirs = [world.bob.videos.create(prompt=f"b{n}", seconds="10").id for n in range(2)]
    assert [v.id for v in world.alice.videos.list(order="asc")] == mine
    assert [v.id for v in world.bob.videos.list(order="asc")] == theirs
    assert world.bob.videos.list(limit=1).has_more


def test_the_store_names_the_tenant_and_keeps_no_key(world: World) -> None:
    world.alice.videos.create_and_poll(prompt="x", seconds="10")
    world.bob.videos.create(prompt="y", seconds="10")
    world.gateway.stop()
    db = world.tmp_path / "gateway.sqlite3"
    rows = sqlite3.connect(db).execute("SELECT owner, tenant FROM gateway_videos").fetchall()
    assert sorted(rows) == sorted(
        [(fingerprint(ALICE.key), "alice"), (fingerprint(BOB.key), "bob")]
    )
    everything = b"".join(p.read_bytes() for p in db.parent.glob("gateway.sqlite3*") if p.is_file())
    assert ALICE.key.encode() not in everything and BOB.key.encode() not in everything
    world.restart()


def test_an_idempotency_key_is_the_tenants_and_the_requests(world: World) -> None:
    key = {"Idempotency-Key": "order-7"}
    first = world.alice.videos.create(prompt="x", seconds="10", extra_headers=key)
    # The scheme's case does not make it another caller.
    with world.http(None) as http:
        again = http.post(
            "/v1/videos",
            json={"prompt": "x", "seconds": "10"},
            headers={**key, "Authorization": f"bearer {ALICE.key}"},
        )
    assert again.status_code == 200 and again.json()["id"] == first.id
    # Another tenant's same key is its own video.
    bobs = world.bob.videos.create(prompt="x", seconds="10", extra_headers=key)
    assert bobs.id != first.id
    # The same key with another request is refused, not answered with the first video.
    with pytest.raises(openai.BadRequestError) as refused:
        world.alice.videos.create(prompt="something else", seconds="10", extra_headers=key)
    assert refused.value.code == "idempotency_key_reused"
    world.alice.videos.poll(first.id)
    world.bob.videos.poll(bobs.id)
    assert world.sandbox.state.tasks_created("evolink") == 2


def test_named_keys_and_a_keys_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = parse_keys("alice:sk-gw-alice-key, sk-gw-unnamed-key\nbob:sk-gw-bob-key")
    assert [k.name for k in keys] == ["alice", f"key-{fingerprint('sk-gw-unnamed-key')[:8]}", "bob"]
    assert "sk-gw-alice-key" not in repr(keys)
    with pytest.raises(ConfigurationError, match="'alice' is given to two keys"):
        parse_keys("alice:sk-gw-one-key,alice:sk-gw-two-key")
    with pytest.raises(ConfigurationError, match="listed twice"):
        parse_keys("sk-gw-same-key,sk-gw-same-key")
    with pytest.raises(ConfigurationError, match="8 to 512 printable"):
        parse_keys("alice:short")
    listed = tmp_path / "keys"
    listed.write_text("# the team\nalice:sk-gw-alice-file\n\nbob:sk-gw-bob-file\n")
    monkeypatch.delenv("SORA_UNIFIED_GATEWAY_KEYS", raising=False)
    monkeypatch.setenv("SORA_UNIFIED_GATEWAY_KEYS_FILE", str(listed))
    found, made_up = gateway_keys()
    assert not made_up
    assert found == (GatewayKey("sk-gw-alice-file", "alice"), GatewayKey("sk-gw-bob-file", "bob"))
    monkeypatch.setenv("SORA_UNIFIED_GATEWAY_KEYS_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigurationError, match="cannot read"):
        gateway_keys()


@pytest.mark.parametrize(
    ("header", "tenant"),
    [
        (f"Bearer {ALICE.key}", "alice"),
        (f"bearer {ALICE.key}", "alice"),
        (f"BEARER   {ALICE.key}  ", "alice"),
        (f"Bearer {BOB.key}", "bob"),
        (f"Basic {ALICE.key}", None),
        (f"Token {ALICE.key}", None),
        (ALICE.key, None),
        (f"Bearer {ALICE.key[:-1]}", None),  # a prefix of a key is no key
        (f"Bearer {ALICE.key[:8]}", None),
        (f"Bearer {ALICE.key}x", None),
        (f"Bearer {ALICE.key.upper()}", None),
        ("Bearer ", None),
        ("", None),
    ],
)
def test_only_a_whole_key_after_bearer_names_a_tenant(header: str, tenant: str | None) -> None:
    from sora_unified.gateway._keys import find_tenant

    found = find_tenant((ALICE, BOB), header)
    assert (found.name if found is not None else None) == tenant
