"""A small fake WeCom server on 127.0.0.1: group robots' webhooks, gettoken, message/send,
media/upload and media/get, as WeCom answers them (HTTP 200 with an errcode).

Every call is recorded; errors are scripted per endpoint (`fail_next("webhook/send", 45009)`),
robots are removed (`remove_robot(url)` → 93000) and tokens expired (`expire_tokens()` →
42001). `encrypted_callback` builds what WeCom posts to an app's callback URL, encrypting with
`cryptography` as WeCom's protocol says (the bot's decryption is tested on WeCom's own sample).
It runs in a thread (stdlib `http.server`), so sync tests, async tests and subprocesses can use it.

    with FakeWeCom() as wecom:
        url = wecom.add_robot()
        ...
        wecom.calls("webhook/send")[-1].json["markdown"]["content"]
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.helpers.fake_bot_api import UploadedFile, _parse_body
from tests.helpers.patience import PATIENCE

CORP_ID = "ww0123456789abcdef"
AGENT_ID = 1000002
SECRET = "fake-wecom-app-secret-0123456789abcdef"
TOKEN = "callbackTokenQDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
ENDPOINTS = ("gettoken", "message/send", "media/upload", "media/get", "webhook/send")


@dataclass(frozen=True)
class Call:
    """One recorded request: `endpoint` as in ENDPOINTS, query parameters, JSON body, files."""

    endpoint: str
    params: dict[str, str]
    json: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)


class FakeWeCom:
    """The fake server. Start with `with FakeWeCom() as wecom:` or `start()` / `stop()`."""

    def __init__(self, *, corp_id: str = CORP_ID, secret: str = SECRET) -> None:
        self.corp_id = corp_id
        self.secret = secret
        self._lock = threading.Condition()
        self._calls: list[Call] = []
        self._robots: dict[str, bool] = {}  # key → still in its group
        self._tokens: dict[str, bool] = {}  # access token → still valid
        self._media: dict[str, tuple[str, bytes]] = {}
        self._failures: dict[str, list[tuple[int, str]]] = {}
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> FakeWeCom:
        fake = self

        class Handler(_Handler):
            wecom = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeWeCom:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """For `Settings.wecom_api_base_url` (the client appends /cgi-bin/…)."""
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- what tests set up ------------------------------------------------------------------
    def add_robot(self, key: str | None = None) -> str:
        """A robot in a group; its webhook URL."""
        key = key or f"robot-key-{next(self._ids):04d}-0000-1111-2222"
        with self._lock:
            self._robots[key] = True
        return f"{self.base_url}/cgi-bin/webhook/send?key={quote(key)}"

    def remove_robot(self, url: str) -> None:
        """The robot was removed from its group: its webhook answers 93000 from now on."""
        key = dict(parse_qsl(urlsplit(url).query))["key"]
        with self._lock:
            self._robots[key] = False

    def add_media(self, data: bytes, file_name: str) -> str:
        """A file a user sent the app; the media_id media/get serves it under."""
        media_id = f"media-in-{next(self._ids)}"
        with self._lock:
            self._media[media_id] = (file_name, data)
        return media_id

    def fail_next(self, endpoint: str, errcode: int, errmsg: str = "", *, times: int = 1) -> None:
        """The next `times` calls of `endpoint` answer this errcode (45009 "api freq out of
        limit", 93000 "invalid webhook url", …)."""
        assert endpoint in ENDPOINTS, endpoint
        with self._lock:
            self._failures.setdefault(endpoint, []).extend([(errcode, errmsg)] * times)

    def expire_tokens(self) -> None:
        """Every access token issued so far answers 42001 (expired) from now on."""
        with self._lock:
            self._tokens = dict.fromkeys(self._tokens, False)

    # --- what tests read --------------------------------------------------------------------
    def calls(self, endpoint: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if endpoint in (None, c.endpoint)]

    def markdowns(self, url: str | None = None) -> list[str]:
        """Markdown contents sent to robots (to one robot's URL when given), in order."""
        key = dict(parse_qsl(urlsplit(url).query))["key"] if url else None
        return [
            c.json["markdown"]["content"]
            for c in self.calls("webhook/send")
            if c.json.get("msgtype") == "markdown" and key in (None, c.params.get("key"))
        ]

    def wait_for(self, endpoint: str, count: int = 1, timeout: float = PATIENCE) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self._calls if c.endpoint == endpoint]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.endpoint for c in self._calls]
                    raise TimeoutError(f"{count}× {endpoint} not seen; recorded: {seen}")
                self._lock.wait(left)

    # --- request handling (server threads) --------------------------------------------------
    def _answer(self, call: Call) -> tuple[dict[str, Any] | None, tuple[str, bytes] | None]:
        """(JSON answer, or None and a file to serve)."""
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()
            queued = self._failures.get(call.endpoint)
            if queued:
                errcode, errmsg = queued.pop(0)
                return {"errcode": errcode, "errmsg": errmsg or f"fake error {errcode}"}, None
            if call.endpoint == "webhook/send":
                if not self._robots.get(call.params.get("key", "")):
                    return _error(93000, "invalid webhook url"), None
                return {"errcode": 0, "errmsg": "ok"}, None
            if call.endpoint == "gettoken":
                if (call.params.get("corpid"), call.params.get("corpsecret")) != (
                    self.corp_id,
                    self.secret,
                ):
                    return _error(40001, "invalid credential"), None
                token = f"access-token-{next(self._ids):06d}-{os.urandom(8).hex()}"
                self._tokens[token] = True
                return {
                    "errcode": 0,
                    "errmsg": "ok",
                    "access_token": token,
                    "expires_in": 7200,
                }, None
            valid = self._tokens.get(call.params.get("access_token", ""))
            if valid is None:
                return _error(40014, "invalid access_token"), None
            if not valid:
                return _error(42001, "access_token expired"), None
            if call.endpoint == "message/send":
                return {"errcode": 0, "errmsg": "ok", "msgid": f"msg-{next(self._ids)}"}, None
            if call.endpoint == "media/upload":
                media_id = f"media-out-{next(self._ids)}"
                upload = call.files["media"]
                self._media[media_id] = (upload.filename, upload.data)
                answer = {"errcode": 0, "errmsg": "", "type": call.params.get("type")}
                return {**answer, "media_id": media_id, "created_at": str(int(time.time()))}, None
            media = self._media.get(call.params.get("media_id", ""))
            if media is None:
                return _error(40007, "invalid media_id"), None
            return None, media


def _error(errcode: int, errmsg: str) -> dict[str, Any]:
    return {
        "errcode": errcode,
        "errmsg": f"{errmsg}, hint: [fake], more info at https://open.work.weixin.qq.com/devtool/query?e={errcode}",
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms delayed ACK
    wecom: FakeWeCom

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def _send(self, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        url = urlsplit(self.path)
        endpoint = url.path.removeprefix("/cgi-bin/")
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if endpoint not in ENDPOINTS:
            self._send(b'{"errcode":404,"errmsg":"not found"}', "application/json")
            return
        content_type = self.headers.get("Content-Type", "")
        data: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        if content_type.startswith("multipart/form-data"):
            _, files = _parse_body(content_type, body)
        elif body:
            data = json.loads(body)
        answer, media = self.wecom._answer(Call(endpoint, params, data, files))
        if answer is not None:
            self._send(json.dumps(answer, ensure_ascii=False).encode(), "application/json")
        else:
            assert media is not None
            name, content = media
            disposition = f'attachment; filename="{quote(name)}"'
            self._send(content, "application/octet-stream", {"Content-Disposition": disposition})

    do_GET = _handle
    do_POST = _handle


_nonces = itertools.count(1372623149)
_msg_ids = itertools.count(4561255354251345929)


def message_xml(
    content: str, *, from_user: str = "zhangsan", msg_type: str = "text", **fields: str
) -> bytes:
    """A decrypted message as WeCom's callback carries it."""
    values = {
        "ToUserName": CORP_ID,
        "FromUserName": from_user,
        "CreateTime": str(int(time.time())),
        "MsgType": msg_type,
        "AgentID": str(AGENT_ID),
        "MsgId": fields.pop("MsgId", str(next(_msg_ids))),
        **({"Content": content} if msg_type == "text" else {}),
        **fields,
    }
    inner = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in values.items())
    return f"<xml>{inner}</xml>".encode()


def encrypt(plaintext: bytes, *, aes_key: str = AES_KEY, receive_id: str = CORP_ID) -> str:
    """What WeCom puts in <Encrypt> or echostr: AES-256-CBC, IV = the key's first 16 bytes,
    PKCS#7 to 32-byte blocks, over random(16) + length + message + receive id."""
    key = base64.b64decode(aes_key + "=")
    framed = os.urandom(16) + struct.pack(">I", len(plaintext)) + plaintext + receive_id.encode()
    padder = padding.PKCS7(256).padder()
    padded = padder.update(framed) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()


def signed_query(encrypted: str, *, token: str = TOKEN, **extra: str) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), str(next(_nonces))
    parts = "".join(sorted((token, timestamp, nonce, encrypted)))
    signature = hashlib.sha1(parts.encode()).hexdigest()
    return {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce, **extra}


def encrypted_callback(plaintext: bytes, **keys: str) -> tuple[str, bytes]:
    """(query string, body) of the POST WeCom sends for `plaintext` (from `message_xml`)."""
    encrypted = encrypt(plaintext, **keys)
    body = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
        f"<AgentID><![CDATA[{AGENT_ID}]]></AgentID><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    ).encode()
    return urlencode(signed_query(encrypted)), body


def verification_query(echo: str = "1616140317555161061") -> str:
    """The query string of WeCom's URL check (GET with an encrypted echostr)."""
    encrypted = encrypt(echo.encode())
    return urlencode(signed_query(encrypted, echostr=encrypted))
