"""WeCom's server API over HTTP (httpx): errors, the app's access token, message/send,
media/upload and media/get.

Every call answers HTTP 200 with an `errcode`; a non-zero one raises `WeComError`, whose text
never holds the request URL (it carries the access token, the corp secret or a robot's key).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://qyapi.weixin.qq.com"
RATE_LIMITED = 45009  # "api freq out of limit"
TOKEN_INVALID = frozenset({40014, 42001})  # invalid / expired access_token
TOKEN_MARGIN = 300.0  # seconds: fetch a new token this long before the old one expires
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
_FILENAME = re.compile(r"""filename\*?=(?:UTF-8'')?"?([^";]+)"?""", re.IGNORECASE)


class WeComError(Exception):
    """An answer with a non-zero errcode (or no answer WeCom would give)."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


def _checked(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 200:
        raise WeComError(-1, f"HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise WeComError(-1, "answer is not JSON") from None
    if not isinstance(data, dict):
        raise WeComError(-1, "answer is not a JSON object")
    errcode = int(data.get("errcode") or 0)
    if errcode:
        raise WeComError(errcode, str(data.get("errmsg", "")))
    return data


async def call(http: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    """One API call; its JSON answer, or WeComError. Network failures raise WeComError too,
    from None: httpx's own messages may quote the URL."""
    try:
        response = await http.request(method, url, **kwargs)
    except httpx.HTTPError as err:
        raise WeComError(-1, f"network: {type(err).__name__}") from None
    return _checked(response)


@dataclass(frozen=True)
class Media:
    file_name: str
    data: bytes


class AppClient:
    """A self-built app (自建应用): its access token cached until shortly before it expires and
    fetched again when WeCom says it is invalid; messages to users; media up and down."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        corp_id: str,
        secret: str,
        agent_id: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/") + "/cgi-bin"
        self._corp_id = corp_id
        self._secret = secret
        self._agent_id = agent_id
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def access_token(self) -> str:
        async with self._lock:
            if self._token is None or self._clock() >= self._expires:
                params = {"corpid": self._corp_id, "corpsecret": self._secret}
                data = await call(self._http, "GET", f"{self._base}/gettoken", params=params)
                self._token = str(data["access_token"])
                lifetime = float(data.get("expires_in") or 7200)
                self._expires = self._clock() + max(lifetime - TOKEN_MARGIN, 0.0)
            return self._token

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """A call with the access token; once more with a fresh token if WeCom rejected it."""
        params = kwargs.pop("params", {})
        for attempt in (1, 2):
            token = await self.access_token()
            try:
                return await call(
                    self._http,
                    method,
                    f"{self._base}/{path}",
                    params={**params, "access_token": token},
                    **kwargs,
                )
            except WeComError as err:
                if err.errcode not in TOKEN_INVALID or attempt == 2:
                    raise
                log.info("access token rejected (%s); fetching a new one", err.errcode)
                async with self._lock:
                    if self._token == token:
                        self._token = None
        raise AssertionError("unreachable")

    async def send(self, user: str, msgtype: str, body: dict[str, Any]) -> None:
        """message/send to one user (`touser`), e.g. send(user, "text", {"content": …})."""
        payload = {"touser": user, "msgtype": msgtype, "agentid": self._agent_id, msgtype: body}
        data = await self._call("POST", "message/send", json=payload)
        if data.get("invaliduser"):
            log.warning("message/send: user not reachable by the app (invaliduser)")

    async def upload_image(self, data: bytes, file_name: str) -> str:
        """media/upload?type=image: the media_id (valid for three days)."""
        files = {"media": (file_name, data, "image/png")}
        answer = await self._call("POST", "media/upload", params={"type": "image"}, files=files)
        return str(answer["media_id"])

    async def download(self, media_id: str, *, max_bytes: int) -> Media:
        """media/get: a file a user sent; WeComError when WeCom refuses or it is too large."""
        token = await self.access_token()
        url = f"{self._base}/media/get"
        params = {"access_token": token, "media_id": media_id}
        try:
            async with self._http.stream("GET", url, params=params) as response:
                kind = response.headers.get("content-type", "")
                if response.status_code != 200 or "json" in kind or "text/plain" in kind:
                    await response.aread()
                    _checked(response)
                    raise WeComError(-1, "media/get answered without a file")
                declared = int(response.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise WeComError(-2, "file too large")
                chunks, total = [], 0
                async for chunk in response.aiter_bytes():
                    total += len(chunk)
                    if total > max_bytes:
                        raise WeComError(-2, "file too large")
                    chunks.append(chunk)
                disposition = response.headers.get("content-disposition", "")
        except httpx.HTTPError as err:
            raise WeComError(-1, f"network: {type(err).__name__}") from None
        found = _FILENAME.search(disposition)
        name = unquote(found.group(1)).rsplit("/", 1)[-1] if found else ""
        return Media(file_name=name or media_id, data=b"".join(chunks))
