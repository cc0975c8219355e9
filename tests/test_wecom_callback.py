"""The app's callback URL over real HTTP (the tornado server on 127.0.0.1): URL verification,
encrypted messages handed on once, forgeries refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.helpers.fake_wecom import (
    AES_KEY,
    CORP_ID,
    TOKEN,
    encrypted_callback,
    message_xml,
    verification_query,
)
from wecom.callback import Callback
from wecom.crypto import CallbackCipher
from wecom.envelope import Incoming
from wecom.server import start_server

PATH = "/wecom/callback"


class Endpoint:
    def __init__(self, url: str, callback: Callback, received: list[Incoming]) -> None:
        self.url = url
        self.callback = callback
        self.received = received


@pytest.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    received: list[Incoming] = []

    async def on_message(message: Incoming) -> None:
        received.append(message)

    cipher = CallbackCipher(token=TOKEN, encoding_aes_key=AES_KEY, receive_id=CORP_ID)
    callback = Callback(cipher, on_message)
    server, port = start_server(callback, listen="127.0.0.1", port=0, path=PATH)
    yield Endpoint(f"http://127.0.0.1:{port}{PATH}", callback, received)
    server.stop()


async def test_url_verification_answers_the_plain_echo(endpoint: Endpoint) -> None:
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{endpoint.url}?{verification_query('echo-42')}")
    assert (answer.status_code, answer.text) == (200, "echo-42")


async def test_message_is_answered_at_once_and_handed_on(endpoint: Endpoint) -> None:
    query, body = encrypted_callback(message_xml("金安区 2020 申请数量", MsgId="9001"))
    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{endpoint.url}?{query}", content=body)
    assert (answer.status_code, answer.text) == (200, "")
    await endpoint.callback.drain()
    assert [(m.from_user, m.content, m.msg_id) for m in endpoint.received] == [
        ("zhangsan", "金安区 2020 申请数量", "9001")
    ]


async def test_a_retry_of_the_same_message_is_dropped(endpoint: Endpoint) -> None:
    plain = message_xml("平潭 2023 复议", MsgId="9002")
    async with httpx.AsyncClient() as http:
        for _ in range(3):  # WeCom retries a message three times without a timely answer
            query, body = encrypted_callback(plain)
            assert (await http.post(f"{endpoint.url}?{query}", content=body)).status_code == 200
    await endpoint.callback.drain()
    assert len(endpoint.received) == 1


async def test_forged_signature_is_refused(endpoint: Endpoint) -> None:
    query, body = encrypted_callback(message_xml("你好"))
    forged = query.replace("msg_signature=", "msg_signature=0")
    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{endpoint.url}?{forged}", content=body)
        check = await http.get(
            f"{endpoint.url}?{verification_query()}".replace("nonce=", "nonce=1")
        )
    assert answer.status_code == 403 and check.status_code == 403
    await endpoint.callback.drain()
    assert endpoint.received == []


async def test_message_for_another_corp_is_refused(endpoint: Endpoint) -> None:
    query, body = encrypted_callback(message_xml("你好"), receive_id="ww-another-corp")
    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{endpoint.url}?{query}", content=body)
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("query", "body", "status"),
    [
        ("", b"<xml/>", 400),
        ("msg_signature=a&timestamp=1&nonce=2", b"not xml", 400),
        (
            "msg_signature=a&timestamp=1&nonce=2",
            b"<!DOCTYPE x><xml><Encrypt>a</Encrypt></xml>",
            400,
        ),
    ],
    ids=["no-query", "not-xml", "doctype"],
)
async def test_malformed_requests_are_bad_requests(
    endpoint: Endpoint, query: str, body: bytes, status: int
) -> None:
    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{endpoint.url}?{query}", content=body)
    assert answer.status_code == status


async def test_a_failing_handler_does_not_break_the_next_message(endpoint: Endpoint) -> None:
    calls: list[str] = []

    async def flaky(message: Incoming) -> None:
        calls.append(message.content)
        if message.content == "坏":
            raise RuntimeError("boom")

    cipher = CallbackCipher(token=TOKEN, encoding_aes_key=AES_KEY, receive_id=CORP_ID)
    callback = Callback(cipher, flaky)
    server, port = start_server(callback, listen="127.0.0.1", port=0, path=PATH)
    try:
        async with httpx.AsyncClient() as http:
            for text in ("坏", "好"):
                query, body = encrypted_callback(message_xml(text))
                url = f"http://127.0.0.1:{port}{PATH}?{query}"
                assert (await http.post(url, content=body)).status_code == 200
        await callback.drain()
    finally:
        server.stop()
    assert calls == ["坏", "好"]
