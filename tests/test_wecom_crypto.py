"""The callback cipher on WeCom's own published sample (加解密方案说明), and what it refuses."""

from __future__ import annotations

import base64

import pytest

from tests.helpers.fake_wecom import encrypt, message_xml
from wecom.crypto import CallbackCipher, CallbackError, aes_key, signature
from wecom.envelope import EnvelopeError, encrypted_part, parse_message

# WeCom's sample values (token, EncodingAESKey, CorpID) and two requests made with them.
SAMPLE = CallbackCipher(
    token="QDG6eK",
    encoding_aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    receive_id="wx5823bf96d3bd56c7",
)
VERIFY = {
    "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "timestamp": "1409659589",
    "nonce": "263014780",
    "encrypted": (
        "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
    ),
}
POSTED = (
    b"<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA["
    b"RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCU"
    b"pj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgp"
    b"ue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCK"
    b"Iw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o"
    b"0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2p"
    b"DBS8R07+qN+E7Q==]]></Encrypt></xml>"
)
POSTED_QUERY = {
    "msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6",
    "timestamp": "1409659813",
    "nonce": "1372623149",
}


def test_url_verification_sample_decrypts_to_the_echo() -> None:
    assert SAMPLE.open(**VERIFY) == b"1616140317555161061"


def test_posted_sample_decrypts_to_its_message() -> None:
    plain = SAMPLE.open(**POSTED_QUERY, encrypted=encrypted_part(POSTED))
    message = parse_message(plain)
    assert (message.msg_type, message.from_user, message.content) == ("text", "mycreate", "hello")
    assert message.msg_id == "4561255354251345929"


def test_signature_is_sha1_of_the_sorted_strings() -> None:
    assert (
        signature("QDG6eK", "1409659589", "263014780", VERIFY["encrypted"])
        == (VERIFY["msg_signature"])
    )


@pytest.mark.parametrize("field", ["msg_signature", "timestamp", "nonce", "encrypted"])
def test_any_changed_part_fails_the_signature(field: str) -> None:
    forged = dict(VERIFY)
    value = forged[field]
    forged[field] = value[:-3] + ("A" if value[-3] != "A" else "B") + value[-2:]
    with pytest.raises(CallbackError, match="signature"):
        SAMPLE.open(**forged)


def test_message_for_another_corp_is_refused() -> None:
    other = CallbackCipher(
        token="QDG6eK",
        encoding_aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
        receive_id="ww-other-corp",
    )
    with pytest.raises(CallbackError, match="not for this corp"):
        other.open(**VERIFY)


def test_wrong_key_gives_an_error_not_garbage() -> None:
    wrong = CallbackCipher(
        token="QDG6eK", encoding_aes_key="A" * 43, receive_id="wx5823bf96d3bd56c7"
    )
    with pytest.raises(CallbackError):
        wrong.open(**VERIFY)


@pytest.mark.parametrize(
    "encrypted",
    ["not base64!", base64.b64encode(b"x" * 48).decode(), ""],
    ids=["not-base64", "not-whole-blocks", "empty"],
)
def test_malformed_ciphertext_with_a_valid_signature_is_refused(encrypted: str) -> None:
    sig = signature("QDG6eK", "1", "2", encrypted)
    with pytest.raises(CallbackError):
        SAMPLE.open(msg_signature=sig, timestamp="1", nonce="2", encrypted=encrypted)


def test_round_trip_with_the_fakes_encryption_and_a_chinese_message() -> None:
    cipher = CallbackCipher(
        token="t", encoding_aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", receive_id="ww1"
    )
    plain = message_xml("金安区 2020 申请数量", from_user="li.si")
    encrypted = encrypt(plain, receive_id="ww1")
    sig = signature("t", "10", "20", encrypted)
    opened = cipher.open(msg_signature=sig, timestamp="10", nonce="20", encrypted=encrypted)
    assert parse_message(opened).content == "金安区 2020 申请数量"


@pytest.mark.parametrize("key", ["short", "A" * 44, "!" * 43])
def test_malformed_encoding_aes_key_is_a_value_error(key: str) -> None:
    with pytest.raises(ValueError, match="43"):
        aes_key(key)


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>',
        b"<xml><Encrypt>abc</Encrypt>",
        b"<root><Encrypt>abc</Encrypt></root>",
        b"<xml><ToUserName>x</ToUserName></xml>",
        b"<xml>" + b"<A>1</A>" * 40_000 + b"</xml>",
    ],
    ids=["doctype", "unclosed", "other-root", "no-encrypt", "too-large"],
)
def test_envelope_refuses_what_wecom_never_sends(body: bytes) -> None:
    with pytest.raises(EnvelopeError):
        encrypted_part(body)


def test_file_message_fields() -> None:
    plain = message_xml("", msg_type="file", MediaId="m-1", FileName="淮安市2024年报.pdf")
    message = parse_message(plain)
    assert (message.msg_type, message.media_id, message.file_name) == (
        "file",
        "m-1",
        "淮安市2024年报.pdf",
    )
