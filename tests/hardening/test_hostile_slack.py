"""Hostile requests to the Slack endpoint: never a 500, never a write.

The real Slack service on localhost (HTTP mode, signing secret) with the fake
Web API of `tests/slack/`. Bodies are random or cut short, signed (as if an
attacker held the secret, or Slack sent garbage) and unsigned; over 1 MB;
`payload=` with broken JSON; captured requests replayed later, with a stale
timestamp, or with their signature on a different body. After each, every
table is exactly as it was (a replayed *valid* request may not write twice).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
from urllib.parse import parse_qsl, urlencode

import aiohttp

from hardening_support import changed_tables, snapshot
from slack_harness import SIGNING_SECRET, SlackSender, sign  # tests/slack, put on the path by conftest

FUZZ_SEED = 9


async def post_raw(sender: SlackSender, body: bytes, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.post(sender.base + "/slack/events", data=body, headers=headers) as resp:
            await resp.read()
            return resp.status


def signed_headers(body: bytes, *, content_type: str = "application/x-www-form-urlencoded", timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign_bytes(ts, body),
    }


def sign_bytes(timestamp: str, body: bytes) -> str:
    """Slack's v0 signature over the exact bytes (random bodies need not be UTF-8)."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()


def _random_bodies(rng: random.Random, valid: str) -> list[bytes]:
    alphabet = "abc=&%+{}[]\":,payload_idtexcommand/\\\x00é€ \n"
    bodies: list[bytes] = []
    for _ in range(25):
        bodies.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 200))).encode())
    for _ in range(15):
        bodies.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))))
    for _ in range(25):  # a real command body cut short anywhere
        bodies.append(valid.encode()[: rng.randrange(0, len(valid))])
    for text in ("payload=", "payload=%7B", "payload=%7B%22type%22%3A", "payload=null", "payload=42", "payload=%5B%5D",
                 "payload=%22text%22", "payload=%7B%22type%22%3A%22block_actions%22%7D", "{", "{}", "[]", "null",
                 "payload=%7B%22type%22%3A%22view_submission%22%2C%22view%22%3A5%7D", "command=%2Fincident",
                 "command=%2Fnope&text=x", "payload=a&payload=b", "%", "%zz=1", "=&=&"):
        bodies.append(text.encode())
    return bodies


async def test_random_and_truncated_bodies_signed_or_not_never_500_never_write(slack, db_path):
    valid, _ = slack.command_body("/incident", "Acme late-payment paid 40 days late")
    statuses: dict[int, int] = {}
    for body in _random_bodies(random.Random(FUZZ_SEED), valid):
        fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        # A signed body cut after the team, user, command and text is a whole command: it may write.
        whole = all(fields.get(k, "").strip() for k in ("team_id", "user_id", "command"))
        for headers in (
            signed_headers(body),  # as if Slack (or someone with the secret) sent it
            signed_headers(body, content_type="application/json"),
            {"Content-Type": "application/x-www-form-urlencoded"},  # no signature at all
        ):
            before = snapshot(db_path)
            status = await post_raw(slack, body, headers)
            statuses[status] = statuses.get(status, 0) + 1
            assert status < 500, f"{status} for {body[:80]!r} with {headers.get('Content-Type')}"
            if not (whole and "X-Slack-Signature" in headers and headers["Content-Type"].endswith("urlencoded")):
                assert changed_tables(before, snapshot(db_path)) == [], f"{body[:120]!r} wrote"
    assert statuses.get(200, 0) + statuses.get(400, 0) + statuses.get(401, 0) + statuses.get(404, 0) > 0


async def test_bad_json_in_payload_is_refused_cleanly(slack, db_path):
    before = snapshot(db_path)
    for raw in ("{", '{"type": "block_actions", "actions": [', "not json at all", '{"type":"view_submission","view":', "\u0000"):
        body = urlencode({"payload": raw}).encode()
        assert await post_raw(slack, body, signed_headers(body)) < 500
        assert await post_raw(slack, body, {"Content-Type": "application/x-www-form-urlencoded"}) < 500
    assert changed_tables(before, snapshot(db_path)) == []


async def test_bodies_over_one_megabyte_are_refused_without_a_write(slack, db_path):
    before = snapshot(db_path)
    note = "x" * (1024 * 1024 + 10)
    body, _ = slack.command_body("/incident", f"Acme late-payment {note}")
    for headers in (signed_headers(body.encode()), {"Content-Type": "application/x-www-form-urlencoded"}):
        status = await post_raw(slack, body.encode(), headers)
        assert 400 <= status < 500, status
    huge_json = json.dumps({"type": "event_callback", "event": {"type": "app_home_opened", "user": "U1"}, "pad": "y" * (1024 * 1024)}).encode()
    assert 400 <= await post_raw(slack, huge_json, signed_headers(huge_json, content_type="application/json")) < 500
    assert changed_tables(before, snapshot(db_path)) == []


async def test_replayed_signatures_never_write_twice(slack, db_path):
    body, _ = slack.command_body("/incident", "Acme late-payment paid 40 days late")
    headers = signed_headers(body.encode())
    assert await post_raw(slack, body.encode(), headers) == 200
    after_first = snapshot(db_path)
    assert len(after_first["incidents"]) == 1
    # The very same request again (a replay, or Slack's retry): answered, nothing new stored.
    for _ in range(3):
        assert await post_raw(slack, body.encode(), headers) == 200
    assert changed_tables(after_first, snapshot(db_path)) == []
    # The captured signature on another body: refused.
    other, _ = slack.command_body("/incident", "Acme abuse forged")
    assert await post_raw(slack, other.encode(), headers) == 401
    # A capture replayed after Slack's five-minute window, even with a matching signature: refused.
    stale = int(time.time()) - 6 * 60
    old, _ = slack.command_body("/incident", "Acme abuse replayed late")
    assert await post_raw(slack, old.encode(), signed_headers(old.encode(), timestamp=stale)) == 401
    # A signature made with another secret: refused.
    forged = {**signed_headers(other.encode()), "X-Slack-Signature": sign("not-the-secret", str(int(time.time())), other)}
    assert await post_raw(slack, other.encode(), forged) == 401
    assert changed_tables(after_first, snapshot(db_path)) == []
