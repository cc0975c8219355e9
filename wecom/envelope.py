"""The XML of WeCom callbacks: the outer envelope (`<Encrypt>`) and the decrypted message.

WeCom posts `<xml><ToUserName/><AgentID/><Encrypt/></xml>`; the decrypted message is a flat
`<xml>` of fields (MsgType, FromUserName, Content, MediaId, …). The envelope is parsed before
its signature can be checked, so a document type (the door to entity tricks) is refused
outright: WeCom never sends one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

MAX_BODY = 256 * 1024  # bytes; a callback is a few hundred


class EnvelopeError(ValueError):
    """Not an XML document WeCom would send."""


@dataclass(frozen=True)
class Incoming:
    """One decrypted message to the app (events have msg_type "event" and `event` set)."""

    msg_type: str
    from_user: str
    msg_id: str = ""
    content: str = ""
    media_id: str = ""
    file_name: str = ""
    event: str = ""
    create_time: str = ""

    @property
    def key(self) -> str:
        """What tells WeCom's retries of one message apart from new ones."""
        return self.msg_id or f"{self.from_user}:{self.create_time}:{self.msg_type}:{self.event}"


def _fields(document: bytes) -> dict[str, str]:
    if len(document) > MAX_BODY:
        raise EnvelopeError("callback body too large")
    if b"<!" in document.replace(b"<![CDATA[", b""):
        raise EnvelopeError("document types and comments are not accepted")
    try:
        root = ET.fromstring(document)
    except ET.ParseError:
        raise EnvelopeError("not XML") from None
    if root.tag != "xml":
        raise EnvelopeError("root element is not <xml>")
    return {child.tag: (child.text or "").strip() for child in root}


def encrypted_part(body: bytes) -> str:
    """The `<Encrypt>` text of a posted callback."""
    encrypted = _fields(body).get("Encrypt", "")
    if not encrypted:
        raise EnvelopeError("no <Encrypt> element")
    return encrypted


def parse_message(plaintext: bytes) -> Incoming:
    """The decrypted message as plain values."""
    fields = _fields(plaintext)
    return Incoming(
        msg_type=fields.get("MsgType", ""),
        from_user=fields.get("FromUserName", ""),
        msg_id=fields.get("MsgId", ""),
        content=fields.get("Content", ""),
        media_id=fields.get("MediaId", ""),
        file_name=fields.get("FileName", "") or fields.get("Title", ""),
        event=fields.get("Event", ""),
        create_time=fields.get("CreateTime", ""),
    )
