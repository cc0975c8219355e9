"""A small fake Telegram Bot API server on 127.0.0.1 for end-to-end bot tests.

The bot under test talks to it over real HTTP (PTB's httpx client, `base_url` pointed here), the
way PTB's own suite fakes the network layer. Every request is recorded (method plus parsed
form/multipart parameters) so tests assert on what the bot actually sent. It runs in a thread
(stdlib `http.server`), so sync tests, async tests and subprocesses can all use it.

    with FakeBotApi() as api:
        settings = Settings(telegram_bot_token=api.token, telegram_api_base_url=api.base_url)
        ...
        api.calls("sendMessage")[-1].params["text"]
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.helpers.patience import PATIENCE

DEFAULT_TOKEN = "123456789:TEST-token_for-the-fake-bot-api"
BOT_USERNAME = "nianbao_test_bot"
_INT_RE = re.compile(r"-?\d+")
_INT_FIELDS = {"offset", "limit", "timeout", "max_connections"}
MAX_TEXT_UNITS = 4096


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Request:
    """One recorded call: `params` has JSON fields decoded and `*_id` fields as ints."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)  # when the server received it

    def upload(self, param: str) -> UploadedFile:
        """The file sent for `param` (PTB sends `param=attach://<name>` plus a file part)."""
        value = self.params.get(param, "")
        name = value.removeprefix("attach://") if isinstance(value, str) else param
        return self.files.get(name) or self.files[param]


@dataclass
class _Failure:
    status: int
    description: str
    parameters: dict[str, Any] | None
    remaining: int


def _decode_value(key: str, value: str) -> Any:
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if (key.endswith("_id") or key in _INT_FIELDS) and _INT_RE.fullmatch(value):
        return int(value)
    if value in ("true", "false") and key not in ("text", "caption"):
        return value == "true"
    return value


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            payload = part.get_payload(decode=True)
            payload = payload if isinstance(payload, bytes) else b""
            if filename is not None:
                files[str(name)] = UploadedFile(filename, part.get_content_type(), payload)
            else:
                params[str(name)] = _decode_value(str(name), payload.decode("utf-8"))
    elif content_type.startswith("application/json"):
        params = json.loads(body or b"{}")
    else:
        for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            params[key] = _decode_value(key, value)
    return params, files


class FakeBotApi:
    """The fake server. Start with `with FakeBotApi() as api:` or `start()` / `stop()`."""

    def __init__(self, token: str = DEFAULT_TOKEN, username: str = BOT_USERNAME) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self._lock = threading.Condition()
        self._requests: list[Request] = []
        self._updates: list[dict[str, Any]] = []
        self._files: dict[str, tuple[str, bytes]] = {}  # file_id → (file_path, data)
        self._unsized: set[str] = set()  # file ids whose getFile states no size
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._members: dict[tuple[int, int], str] = {}
        self._failures: dict[str, _Failure] = {}
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._stopping = False
        self._downloads_open = threading.Event()
        self._downloads_open.set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> FakeBotApi:
        api = self

        class Handler(_Handler):
            fake = api

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._downloads_open.set()
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """For `Settings.telegram_api_base_url` (PTB appends the token and the method)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- what tests read --------------------------------------------------------------------
    @property
    def requests(self) -> list[Request]:
        """Every request so far, in order (a copy)."""
        with self._lock:
            return list(self._requests)

    def calls(self, method: str) -> list[Request]:
        """Recorded requests of one method (case-insensitive, e.g. "sendMessage")."""
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def sent_texts(self) -> list[str]:
        """Texts of every sendMessage so far."""
        return [str(r.params.get("text", "")) for r in self.calls("sendMessage")]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = PATIENCE) -> list[Request]:
        """Block until `count` requests of `method` were recorded (for polling or subprocess
        tests); raises TimeoutError with what was recorded instead."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [r for r in self._requests if r.method.lower() == method.lower()]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    methods = [r.method for r in self._requests]
                    raise TimeoutError(f"{count}× {method} not seen; recorded: {methods}")
                self._lock.wait(left)

    # --- what tests set up ------------------------------------------------------------------
    def add_file(self, data: bytes, file_name: str, *, sized: bool = True) -> str:
        """Make `data` downloadable; returns the file_id to put in a fake Document. Unless
        `sized`, getFile leaves out file_size (Telegram's is optional)."""
        file_id = f"file-{next(self._file_ids)}"
        with self._lock:
            self._files[file_id] = (f"documents/{file_id}/{file_name}", data)
            if not sized:
                self._unsized.add(file_id)
        return file_id

    def queue_update(self, update: dict[str, Any]) -> int:
        """Serve an update to getUpdates (long polling); `update_id` is assigned if absent."""
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self._lock.notify_all()
            return int(update["update_id"])

    def next_update_id(self) -> int:
        with self._lock:
            return next(self._update_ids)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """getChatMember answers this status ("creator", "administrator", "member", "left")."""
        with self._lock:
            self._members[(chat_id, user_id)] = status

    def fail_next(
        self,
        method: str,
        *,
        status: int = 502,
        description: str = "Bad Gateway",
        parameters: dict[str, Any] | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail (502 → PTB NetworkError, 403 →
        Forbidden, 400 → BadRequest, 429 with {"retry_after": n} → RetryAfter)."""
        with self._lock:
            self._failures[method.lower()] = _Failure(status, description, parameters, times)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """The current state of a message the bot sent (after edits), as Telegram sends it."""
        with self._lock:
            return dict(self._messages[(chat_id, message_id)])

    def last_message(self, chat_id: int) -> dict[str, Any]:
        """The newest message the bot sent to `chat_id` (after edits)."""
        with self._lock:
            ids = [m for (c, m) in self._messages if c == chat_id]
            return dict(self._messages[(chat_id, max(ids))])

    # --- request handling (server threads) --------------------------------------------------
    def _record(self, request: Request) -> _Failure | None:
        with self._lock:
            self._requests.append(request)
            self._lock.notify_all()
            failure = self._failures.get(request.method.lower())
            if failure is None:
                return None
            failure.remaining -= 1
            if failure.remaining <= 0:
                del self._failures[request.method.lower()]
            return failure

    def hold_downloads(self) -> None:
        """File downloads wait until `release_downloads()` (to test slow uploads)."""
        self._downloads_open.clear()

    def release_downloads(self) -> None:
        self._downloads_open.set()

    def _download(self, file_path: str) -> tuple[bytes, Request] | None:
        """The file's bytes and the recorded request, whose "sent" the server thread sets when
        it has written what the client took (all of it, unless the client hung up)."""
        self._downloads_open.wait(timeout=30)
        with self._lock:
            for path, data in self._files.values():
                if path == file_path:
                    request = Request("@download", {"file_path": path})
                    self._requests.append(request)
                    self._lock.notify_all()
                    return data, request
        return None

    def _downloaded(self, request: Request, sent: int) -> None:
        with self._lock:
            request.params["sent"] = sent
            self._lock.notify_all()

    def bytes_sent(self, timeout: float = PATIENCE) -> list[int]:
        """How many bytes each download so far sent, once every one has ended."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                downloads = [r for r in self._requests if r.method == "@download"]
                if all("sent" in r.params for r in downloads):
                    return [int(r.params["sent"]) for r in downloads]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("a download did not end")
                self._lock.wait(left)

    def _me(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "年报助手",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "用户"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": "测试群"}

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self._me(),
            **content,
        }
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        with self._lock:
            self._messages[(chat_id, message["message_id"])] = message
        return message

    def _edit(self, params: dict[str, Any], **changes: Any) -> dict[str, Any] | bool:
        if "inline_message_id" in params:
            return True
        key = (int(params["chat_id"]), int(params["message_id"]))
        with self._lock:
            message = self._messages.get(key) or {
                "message_id": key[1],
                "date": int(time.time()),
                "chat": self._chat(key[0]),
                "from": self._me(),
            }
            message = {**message, **changes, "edit_date": int(time.time())}
            message.pop("reply_markup", None)
            if isinstance(params.get("reply_markup"), dict):
                message["reply_markup"] = params["reply_markup"]
            self._messages[key] = message
        return message

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                ready = [u for u in self._updates if int(u["update_id"]) >= offset]
                left = deadline - time.monotonic()
                if ready or left <= 0 or self._stopping:
                    return ready[: int(params.get("limit") or 100)]
                self._lock.wait(left)

    def _answer(self, method: str, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        handlers: dict[str, Callable[[], Any]] = {
            "getme": self._me,
            "getupdates": lambda: self._get_updates(params),
            "sendmessage": lambda: self._new_message(params, text=params.get("text", "")),
            "editmessagetext": lambda: self._edit(params, text=params.get("text", "")),
            "editmessagereplymarkup": lambda: self._edit(params),
            "sendphoto": lambda: self._new_message(
                params,
                caption=params.get("caption", ""),
                photo=[{"file_id": "photo-1", "file_unique_id": "p1", "width": 1, "height": 1}],
            ),
            "senddocument": lambda: self._new_message(
                params,
                caption=params.get("caption", ""),
                document={"file_id": "doc-1", "file_unique_id": "d1"},
            ),
            "getfile": lambda: self._get_file(params),
            "getchatmember": lambda: self._chat_member(params),
            "getchatadministrators": lambda: self._administrators(params),
            "getchat": lambda: self._chat(int(params["chat_id"])),
            "getwebhookinfo": lambda: {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": 0,
            },
            "getmycommands": list,
        }
        handler = handlers.get(method.lower())
        return handler() if handler else True

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        with self._lock:
            path, data = self._files[file_id]
            sized = file_id not in self._unsized
        found = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_path": path}
        return {**found, "file_size": len(data)} if sized else found

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        with self._lock:
            status = self._members.get((chat_id, user_id), "member")
        user = {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}"}
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
            )
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "restricted" or status == "kicked":
            member["until_date"] = 0
        return member

    def _chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._member(int(params["chat_id"]), int(params["user_id"]))

    def _administrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat_id = int(params["chat_id"])
        with self._lock:
            users = [
                user
                for (chat, user), status in self._members.items()
                if chat == chat_id and status in ("creator", "administrator")
            ]
        return [self._member(chat_id, user) for user in users]


def _too_long(method: str, params: dict[str, Any]) -> _Failure | None:
    """Telegram refuses a message text over 4,096 UTF-16 code units."""
    text = params.get("text")
    sends = method.lower() in ("sendmessage", "editmessagetext") and isinstance(text, str)
    if sends and len(str(text).encode("utf-16-le")) // 2 > MAX_TEXT_UNITS:
        return _Failure(400, "Bad Request: message is too long", None, 1)
    return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeBotApi

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # a long poll the client gave up on
            self.close_connection = True

    def _send_file(self, data: bytes, request: Request) -> None:
        """The file in 64 KiB writes, counting what got out before the client hung up."""
        sent = 0
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            while sent < len(data):
                self.wfile.write(data[sent : sent + 65536])
                sent = min(sent + 65536, len(data))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        self.fake._downloaded(request, sent)

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        prefix = f"/file/bot{self.fake.token}/"
        if path.startswith(prefix):
            found = self.fake._download(path[len(prefix) :])
            if found is not None:
                self._send_file(*found)
                return
        self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        prefix = f"/bot{self.fake.token}/"
        if not path.startswith(prefix):
            self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method = path[len(prefix) :]
        params, files = _parse_body(self.headers.get("Content-Type", ""), body)
        failure = self.fake._record(Request(method, params, files)) or _too_long(method, params)
        if failure is not None:
            payload: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description,
            }
            if failure.parameters:
                payload["parameters"] = failure.parameters
            self._json(failure.status, payload)
            return
        self._json(200, {"ok": True, "result": self.fake._answer(method, params, files)})
