"""WeCom's callback protocol cipher: the msg_signature check and the AES-256-CBC decryption.

WeCom signs every callback with sha1(sorted(token, timestamp, nonce, encrypted)) and encrypts
the message as base64(AES-256-CBC(random 16 bytes + big-endian length + message + receive id)),
the key being base64(EncodingAESKey + "="), the IV its first 16 bytes, padded PKCS#7 to 32-byte
blocks. The cipher and the padding come from `cryptography`; this module only frames them. The
signature is checked before anything is decrypted, so a forger learns nothing from our errors.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

AES_KEY_LENGTH = 43  # characters of an EncodingAESKey
PAD_BITS = 256  # WeCom pads to 32-byte blocks, not AES's 16
_RANDOM = 16
_LENGTH = struct.Struct(">I")


class CallbackError(ValueError):
    """A callback that WeCom did not send: bad signature, ciphertext or receiver."""


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key of a 43-character EncodingAESKey; ValueError when malformed."""
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error:
        key = b""
    if len(encoding_aes_key) != AES_KEY_LENGTH or len(key) != 32:
        raise ValueError("EncodingAESKey must be the 43 characters shown in WeCom's console")
    return key


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """msg_signature: sha1 of the four strings sorted and joined."""
    return hashlib.sha1("".join(sorted((token, timestamp, nonce, encrypted))).encode()).hexdigest()


class CallbackCipher:
    """Verifies and decrypts what WeCom posts to a self-built app's callback URL."""

    def __init__(self, *, token: str, encoding_aes_key: str, receive_id: str) -> None:
        self._token = token
        self._key = aes_key(encoding_aes_key)
        self._receive_id = receive_id.encode()

    def open(self, *, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> bytes:
        """The plaintext of `encrypted` once its signature holds (CallbackError otherwise)."""
        expected = signature(self._token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected, msg_signature.lower()):
            raise CallbackError("msg_signature does not match")
        return self._decrypt(encrypted)

    def _decrypt(self, encrypted: str) -> bytes:
        try:
            data = base64.b64decode(encrypted, validate=True)
        except binascii.Error:
            raise CallbackError("ciphertext is not base64") from None
        if not data or len(data) % (PAD_BITS // 8):
            raise CallbackError("ciphertext length is not a whole number of blocks")
        decryptor = Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16])).decryptor()
        unpadder = padding.PKCS7(PAD_BITS).unpadder()
        try:
            padded = decryptor.update(data) + decryptor.finalize()
            plain = unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            raise CallbackError("bad padding") from None
        head = _RANDOM + _LENGTH.size
        if len(plain) < head:
            raise CallbackError("plaintext too short")
        (length,) = _LENGTH.unpack_from(plain, _RANDOM)
        message, receiver = plain[head : head + length], plain[head + length :]
        if len(message) != length or not hmac.compare_digest(receiver, self._receive_id):
            raise CallbackError("message is not for this corp")
        return message
