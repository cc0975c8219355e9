"""The log redactor: no secret in any part of a formatted line."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

import logs

TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
QUIETED = ("httpx", "httpcore", "alembic")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """`configure` replaces the root handler: put pytest's own logging back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in QUIETED}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def test_messages_tracebacks_and_quoted_urls_are_redacted() -> None:
    out = io.StringIO()
    logs.configure("DEBUG", secrets=[TOKEN, "wecom-corp-secret-value"], stream=out)
    log = logging.getLogger("tests.logs")
    log.info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    log.info("GET http://h/file/bot987654321%3AAAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/doc.pdf")
    try:
        raise RuntimeError("gettoken?corpsecret=wecom-corp-secret-value failed")
    except RuntimeError:
        log.exception("request failed")
    text = out.getvalue()
    assert "getMe" in text and "request failed" in text and "RuntimeError" in text
    for secret in ("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "wecom-corp-secret-value"):
        assert secret not in text
    assert text.count(logs.REDACTED) == 4


def test_a_token_not_in_the_settings_is_still_redacted_by_its_shape() -> None:
    out = io.StringIO()
    logs.configure("INFO", stream=out)
    logging.getLogger("tests.logs").warning("url …/bot123456789:%s/x", "A" * 35)
    assert "A" * 35 not in out.getvalue()


def test_http_client_request_lines_are_quiet_below_debug() -> None:
    logs.configure("INFO", stream=io.StringIO())
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)


def test_wecom_query_secrets_are_redacted_whatever_their_value() -> None:
    out = io.StringIO()
    logs.configure("DEBUG", stream=out)
    log = logging.getLogger("tests.logs")
    log.debug('HTTP Request: POST http://h/cgi-bin/message/send?access_token=tok-77abc "200"')
    log.debug("GET http://h/cgi-bin/gettoken?corpid=ww1&corpsecret=s3cr3t-value&x=1")
    log.debug("POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7a4b-4bc4")
    text = out.getvalue()
    for secret in ("tok-77abc", "s3cr3t-value", "693a91f6-7a4b-4bc4"):
        assert secret not in text
    assert "corpid=ww1" in text and "&x=1" in text
    assert text.count(f"={logs.REDACTED}") == 3
