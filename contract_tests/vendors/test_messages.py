"""Every refusal the capability table can give reads as a sentence: it names the vendor, the
model, the field and the value, says what is allowed, and shows no Python reprs (tuples,
None, True, reprs of objects) and no doubled words."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sora_unified import CharacterRequest, Shot, VideoRequest, WatermarkRemovalRequest
from sora_unified._capabilities import ModelCapabilities, capabilities, check_request
from sora_unified.batch._input import InvalidLine, read_jobs
from sora_unified.errors import ValidationError

from contract_tests.support.images import gif, png

LANDSCAPE = png(1280, 720)
SQUARE = png(512, 512)
OFF_SIZE = png(1920, 1080)  # 16:9, not 1280x720
TOO_BIG = png(1280, 720) + b"\0" * (11 * 1024 * 1024)


def _video_attempts(caps: ModelCapabilities) -> Iterator[Callable[[], Any]]:
    """Requests that break one rule of a video (or remix) model each."""
    source = (caps.source_task_prefix or "task-") + "1"
    remix = {"remix_of": source} if caps.kind == "remix" else {}
    prompt = "" if caps.prompt == "no" else "a corgi"
    base: dict[str, Any] = {"prompt": prompt, **remix}
    storyboard = (Shot("a corgi", 5),) if caps.storyboard == "required" else None
    if storyboard:
        base["shots"] = storyboard
    yield lambda: VideoRequest(**base, seconds=7)
    yield lambda: VideoRequest(
        **base, size="1280x720", seconds=caps.seconds[0] if caps.seconds else None
    )
    yield lambda: VideoRequest(
        **base, quality="high", seconds=caps.seconds[-1] if caps.seconds else None
    )
    yield lambda: VideoRequest(**{**base, "prompt": "x" * 50_000})
    yield lambda: VideoRequest(**{**base, "prompt": "the text", "shots": (Shot("a", 5),)})
    yield lambda: VideoRequest(**{**base, "prompt": ""})
    yield lambda: VideoRequest(**base, image=LANDSCAPE)
    yield lambda: VideoRequest(**base, image=gif(1280, 720))
    yield lambda: VideoRequest(**base, image=SQUARE)
    yield lambda: VideoRequest(**base, image=OFF_SIZE)
    yield lambda: VideoRequest(**base, image=TOO_BIG)
    yield lambda: VideoRequest(**base, image="ftp://example.com/a.png")
    yield lambda: VideoRequest(**base, image_url="https://example.com/a.png")
    yield lambda: VideoRequest(**base, orientation="portrait", image=LANDSCAPE)
    yield lambda: VideoRequest(**{**base, "shots": tuple(Shot("s", 2) for _ in range(20))})
    yield lambda: VideoRequest(**{**base, "shots": (Shot("s", 60),)})
    yield lambda: VideoRequest(**{**base, "shots": (Shot("s", 15), Shot("t", 15)), "seconds": 10})
    yield lambda: VideoRequest(**base, remove_watermark=True)
    yield lambda: VideoRequest(**base, callback_url="ftp://example.com/hook")
    yield lambda: VideoRequest(**base, callback_url="https://127.0.0.1/hook")
    yield lambda: VideoRequest(**base, callback_url="https://example.com/" + "h" * 3000)
    yield lambda: VideoRequest(**base, characters=("ch_1", "ch_2", "ch_3", "ch_4", "ch_5", "ch_6"))
    yield lambda: VideoRequest(**base, vendor_options={"nonsense.field": "x"})
    yield lambda: VideoRequest(**base, vendor_options={"input.upload_method": "ftp"})
    yield lambda: VideoRequest(**base, vendor_options={"progressCallBackUrl": "not a url"})
    yield lambda: VideoRequest(prompt="a corgi", remix_of="task-unified-1")
    yield lambda: VideoRequest(prompt="a corgi", remix_of="other-1", seconds=10)


def _character_attempts() -> Iterator[Callable[[], Any]]:
    yield lambda: CharacterRequest(prompt="a cat")
    yield lambda: CharacterRequest(video_url="ftp://example.com/c.mp4", prompt="a cat")
    yield lambda: CharacterRequest(
        video_url="https://example.com/c.mp4", name="cat", prompt="a cat"
    )
    yield lambda: CharacterRequest(task="t1", start=1.0, end=9.0, prompt="a cat")
    yield lambda: CharacterRequest(task="t1", start=1.0, prompt="a cat")
    yield lambda: CharacterRequest(task="t1", end=3.0, prompt="a cat")
    yield lambda: CharacterRequest(task="t" * 500, start=1.0, end=3.0, prompt="a cat")
    yield lambda: CharacterRequest(task="t1", start=1.0, end=3.0, name="n" * 500, prompt="a cat")
    yield lambda: CharacterRequest(task="t1", start=1.0, end=3.0, prompt="p" * 50_000)
    yield lambda: CharacterRequest(video_url="https://example.com/c.mp4", task="t1", start=1, end=3)


def _watermark_attempts() -> Iterator[Callable[[], Any]]:
    yield lambda: WatermarkRemovalRequest(video_url="https://example.com/v")
    yield lambda: WatermarkRemovalRequest(video_url="https://sora.chatgpt.com/p/" + "s" * 3000)
    yield lambda: WatermarkRemovalRequest(
        video_url="https://sora.chatgpt.com/p/s_1", callback_url="x"
    )


def refusals() -> list[tuple[str, ValidationError]]:
    """(where, error) for every refusal the attempts draw from every model of the table."""
    found = []
    for caps in capabilities():
        attempts: list[Any] = [
            *_video_attempts(caps),
            *_character_attempts(),
            *_watermark_attempts(),
        ]
        for attempt in attempts:
            try:
                request = attempt()
            except ValidationError as error:  # refused by the request type itself
                found.append(("", error))
                continue
            try:
                check_request(request, caps)
            except ValidationError as error:
                found.append((f"{caps.vendor} {caps.model}", error))
    return found


REFUSALS = refusals()
WORD = re.compile(r"[A-Za-z_]+")
# A tuple, None/True/False, an object's repr, a call like PosixPath(...) (but "http(s)").
REPRS = re.compile(
    r"\(\s*'[^']*',\s*\)|\bNone\b|\bTrue\b|\bFalse\b|<[a-z_.]+ object|\b[A-Za-z]+\((?!s\))"
)
QUOTED = re.compile(r"'[^']*'")
SMALL_WORDS = {"the", "and", "for", "from", "with", "its", "not", "are", "any", "that", "only"}


def test_the_attempts_reach_every_kind_of_refusal() -> None:
    messages = {str(error) for _, error in REFUSALS}
    assert len(messages) >= 60, len(messages)
    fields = {error.field.split("[")[0] for _, error in REFUSALS}
    assert {
        "seconds", "size", "quality", "prompt", "image", "image_url", "shots", "remove_watermark",
        "callback_url", "characters", "vendor_options", "model", "remix_of", "video_url", "task",
        "start", "end", "name",
    } <= fields, fields  # fmt: skip


def _doubled(message: str) -> str | None:
    """A word said again within the next two ("image images", "prompt no prompt"), outside
    the quoted values and the small words a sentence repeats."""
    for clause in QUOTED.sub("", message).split(";"):  # "at most 5 s; got 9 s" is not one
        words = [
            w.lower().rstrip("s")
            for w in WORD.findall(clause)
            if len(w) > 2 and w.lower() not in SMALL_WORDS
        ]
        for index, word in enumerate(words):
            if word in words[index + 1 : index + 3]:
                return word
    return None


@pytest.mark.parametrize(
    "where, error", REFUSALS, ids=[f"{w}-{e.field}-{i}" for i, (w, e) in enumerate(REFUSALS)]
)
def test_a_refusal_reads_as_a_sentence(where: str, error: ValidationError) -> None:
    message = str(error)
    assert message.startswith(where + " " if where else error.field), message
    assert error.field.split("[")[0].rstrip("s") in message, message
    assert not REPRS.search(QUOTED.sub("", message.replace(where, ""))), message
    assert _doubled(message.removeprefix(where)) is None, message
    assert "; got " in message or " requires " in message or " is " in message, message
    assert "  " not in message and not message.endswith((" ", ";", ",")), message


# -- the batch's input lines ------------------------------------------------------------------


def test_a_csv_column_that_is_no_field_is_named_with_the_closest_one(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.csv"
    jobs.write_text("custom_id,prompt,secs\na,a corgi,10\nb,a cat,15\n", encoding="utf-8")
    (header,) = list(read_jobs(jobs))  # one finding: the header, not every row
    assert isinstance(header, InvalidLine) and header.line == 1
    assert header.error.startswith(
        "'secs' (did you mean seconds?) is not a column; the columns are custom_id, vendor, prompt,"
    )
    assert "body" not in header.error


def test_a_jsonl_body_field_that_is_no_field_is_named_with_the_closest_one(
    tmp_path: Path,
) -> None:
    jobs = tmp_path / "jobs.jsonl"
    line = {"custom_id": "a", "body": {"prompt": "a corgi", "secs": 10, "colour": "red"}}
    jobs.write_text(json.dumps(line) + "\n", encoding="utf-8")
    (found,) = list(read_jobs(jobs))
    assert isinstance(found, InvalidLine)
    assert found.error.startswith(
        "'colour', 'secs' (did you mean seconds?) are not body fields; the body fields are prompt,"
    )


def test_an_image_url_of_another_scheme_is_not_looked_for_as_a_file() -> None:
    with pytest.raises(ValidationError) as refused:
        VideoRequest(prompt="a corgi", image="ftp://example.com/frame.png")
    assert str(refused.value) == (
        "image must be a local path or an http(s) or data: URL; got 'ftp://example.com/frame.png'"
    )
