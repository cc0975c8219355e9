"""The app client over HTTP against the fake WeCom server: token cache, refresh, send, media."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.helpers.fake_wecom import AGENT_ID, CORP_ID, SECRET, FakeWeCom
from wecom.api import AppClient, WeComError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def app(wecom: FakeWeCom, http: httpx.AsyncClient, **kwargs: object) -> AppClient:
    return AppClient(
        http,
        base_url=wecom.base_url,
        corp_id=CORP_ID,
        secret=str(kwargs.pop("secret", SECRET)),
        agent_id=AGENT_ID,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_one_token_serves_many_sends(wecom: FakeWeCom, http: httpx.AsyncClient) -> None:
    client = app(wecom, http)
    await client.send("zhangsan", "text", {"content": "一"})
    await client.send("zhangsan", "markdown", {"content": "**二**"})
    assert len(wecom.calls("gettoken")) == 1
    sends = wecom.calls("message/send")
    assert [s.json for s in sends] == [
        {"touser": "zhangsan", "msgtype": "text", "agentid": AGENT_ID, "text": {"content": "一"}},
        {
            "touser": "zhangsan",
            "msgtype": "markdown",
            "agentid": AGENT_ID,
            "markdown": {"content": "**二**"},
        },
    ]
    token = wecom.calls("gettoken")[0]
    assert token.params == {"corpid": CORP_ID, "corpsecret": SECRET}


async def test_token_is_fetched_again_before_it_expires(
    wecom: FakeWeCom, http: httpx.AsyncClient
) -> None:
    clock = Clock()
    client = app(wecom, http, clock=clock)
    await client.send("u", "text", {"content": "a"})
    clock.now += 7200 - 301  # still valid, with the margin
    await client.send("u", "text", {"content": "b"})
    assert len(wecom.calls("gettoken")) == 1
    clock.now += 2
    await client.send("u", "text", {"content": "c"})
    assert len(wecom.calls("gettoken")) == 2


async def test_rejected_token_is_replaced_and_the_call_repeated(
    wecom: FakeWeCom, http: httpx.AsyncClient
) -> None:
    client = app(wecom, http)
    await client.send("u", "text", {"content": "a"})
    wecom.expire_tokens()
    await client.send("u", "text", {"content": "b"})
    sends = wecom.calls("message/send")
    assert [s.json["text"]["content"] for s in sends] == ["a", "b", "b"]
    assert sends[1].params["access_token"] != sends[2].params["access_token"]
    assert len(wecom.calls("gettoken")) == 2


async def test_wrong_secret_is_an_error_that_does_not_quote_it(
    wecom: FakeWeCom, http: httpx.AsyncClient
) -> None:
    client = app(wecom, http, secret="not-the-secret-at-all-123")
    with pytest.raises(WeComError) as caught:
        await client.send("u", "text", {"content": "a"})
    assert caught.value.errcode == 40001
    assert "not-the-secret" not in str(caught.value)


async def test_network_failure_does_not_quote_the_url(http: httpx.AsyncClient) -> None:
    client = AppClient(
        http, base_url="http://127.0.0.1:9", corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID
    )
    with pytest.raises(WeComError) as caught:
        await client.send("u", "text", {"content": "a"})
    assert SECRET not in repr(caught.value) and caught.value.__cause__ is None


async def test_image_upload_then_image_message(wecom: FakeWeCom, http: httpx.AsyncClient) -> None:
    client = app(wecom, http)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    media_id = await client.upload_image(png, "chart.png")
    await client.send("u", "image", {"media_id": media_id})
    upload = wecom.calls("media/upload")[0]
    assert upload.params["type"] == "image"
    assert (upload.files["media"].filename, upload.files["media"].data) == ("chart.png", png)
    assert wecom.calls("message/send")[0].json["image"] == {"media_id": media_id}


async def test_download_a_users_file(wecom: FakeWeCom, http: httpx.AsyncClient) -> None:
    media_id = wecom.add_media(b"report body", "淮安市2024年报.txt")
    media = await app(wecom, http).download(media_id, max_bytes=1000)
    assert (media.file_name, media.data) == ("淮安市2024年报.txt", b"report body")


async def test_download_refuses_too_large_and_unknown(
    wecom: FakeWeCom, http: httpx.AsyncClient
) -> None:
    client = app(wecom, http)
    big = wecom.add_media(b"x" * 2000, "big.pdf")
    with pytest.raises(WeComError, match="too large"):
        await client.download(big, max_bytes=1000)
    with pytest.raises(WeComError) as caught:
        await client.download("no-such-media", max_bytes=1000)
    assert caught.value.errcode == 40007
