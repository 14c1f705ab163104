"""Reading a received body: base64 and base64-of-gzip bodies are decoded only when they are text."""

from __future__ import annotations

import base64
import gzip

from queues.sqs.messages import MAX_DECODED, decode_body


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_a_base64_body_decodes_to_its_text_and_json_is_indented():
    decoded = decode_body(b64(b'{"order": 42, "items": ["book"]}'))
    assert decoded.encoding == "base64"
    assert decoded.text == '{"order": 42, "items": ["book"]}'
    assert decoded.pretty == '{\n  "order": 42,\n  "items": [\n    "book"\n  ]\n}'


def test_a_gzip_body_in_base64_is_unpacked():
    decoded = decode_body(b64(gzip.compress("Grüße aus der Warteschlange".encode())))
    assert (decoded.encoding, decoded.text) == ("base64 + gzip", "Grüße aus der Warteschlange")
    assert decoded.pretty is None


def test_url_safe_base64_and_line_breaks_are_accepted():
    text = "subjects?>>> and answers???" * 4
    urlsafe = base64.urlsafe_b64encode(text.encode()).decode()
    assert "-" in urlsafe or "_" in urlsafe
    assert decode_body(urlsafe).text == text
    wrapped = b64(text.encode())
    assert decode_body(wrapped[:40] + "\n" + wrapped[40:]).text == text


def test_plain_text_and_short_words_are_left_alone():
    for body in ("hello world", "testtesttest", "done", "", '{"a": 1}', "1234567890123"):
        assert decode_body(body) is None, body


def test_binary_content_is_not_shown_as_text():
    assert decode_body(b64(bytes(range(256)))) is None
    assert decode_body(b64(b"\x00\x01text with a NUL")) is None
    assert decode_body(b64(gzip.compress(bytes(range(256)) * 4))) is None


def test_broken_gzip_is_not_decoded():
    assert decode_body(b64(b"\x1f\x8b" + b"not really gzip at all")) is None


def test_a_gzip_bomb_is_cut_at_the_limit():
    decoded = decode_body(b64(gzip.compress(b"a" * (MAX_DECODED * 8))))
    assert decoded.truncated
    assert len(decoded.text) == MAX_DECODED
