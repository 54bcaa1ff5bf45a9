"""The few fields of ``build.bazel.remote.execution.v2.ActionResult`` the cache uses.

Encoded by hand (protobuf wire format) rather than with a protobuf runtime:
the action cache needs five fields, the field numbers of
``build/bazel/remote/execution/v2/remote_execution.proto``::

    message Digest       { string hash = 1; int64 size_bytes = 2; }
    message OutputFile   { string path = 1; Digest digest = 2; bool is_executable = 4; }
    message ActionResult { repeated OutputFile output_files = 2; int32 exit_code = 4; }

A server that validates action-cache entries (bazel-remote does) parses them
as ActionResults and checks that every output's blob is in its CAS, so the
blobs are uploaded first.  Fields this module does not know are skipped when
reading, as protobuf readers do.
"""

from __future__ import annotations

from dataclasses import dataclass

_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5


class ProtoError(ValueError):
    """Bytes that are not a well-formed ActionResult."""


@dataclass(frozen=True)
class OutputFile:
    """One output: its path (relative, ``/``-separated), digest and size, and mode."""

    path: str
    sha256: str
    size: int
    executable: bool = False


@dataclass(frozen=True)
class ActionResult:
    """An action-cache entry: the outputs and the exit code."""

    outputs: tuple[OutputFile, ...]
    exit_code: int = 0

    def encode(self) -> bytes:
        """The protobuf wire form."""
        body = b"".join(_field(2, _LEN, _output(o)) for o in self.outputs)
        if self.exit_code:
            body += _field(4, _VARINT, _varint(self.exit_code & 0xFFFFFFFFFFFFFFFF))
        return body

    @classmethod
    def decode(cls, data: bytes) -> ActionResult:
        """Read the wire form (:class:`ProtoError` when malformed)."""
        outputs: list[OutputFile] = []
        exit_code = 0
        for number, value in _fields(data):
            if number == 2 and isinstance(value, bytes):
                outputs.append(_read_output(value))
            elif number == 4 and isinstance(value, int):
                exit_code = value - (1 << 64) if value >= 1 << 63 else value
        return cls(tuple(outputs), exit_code)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, wire: int, payload: bytes) -> bytes:
    head = _varint(number << 3 | wire)
    return head + (_varint(len(payload)) + payload if wire == _LEN else payload)


def _output(output: OutputFile) -> bytes:
    digest = _field(1, _LEN, output.sha256.encode("ascii"))
    if output.size:
        digest += _field(2, _VARINT, _varint(output.size))
    body = _field(1, _LEN, output.path.encode("utf-8")) + _field(2, _LEN, digest)
    if output.executable:
        body += _field(4, _VARINT, _varint(1))
    return body


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise ProtoError("truncated or overlong varint")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """Each field's number and value (an int, or the bytes of a length-delimited one)."""
    found: list[tuple[int, int | bytes]] = []
    at = 0
    while at < len(data):
        tag, at = _read_varint(data, at)
        number, wire = tag >> 3, tag & 7
        if number == 0:
            raise ProtoError("field number 0")
        if wire == _VARINT:
            value, at = _read_varint(data, at)
            found.append((number, value))
        elif wire == _LEN:
            length, at = _read_varint(data, at)
            if at + length > len(data):
                raise ProtoError("truncated length-delimited field")
            found.append((number, data[at : at + length]))
            at += length
        elif wire in (_I64, _I32):
            at += 8 if wire == _I64 else 4
            if at > len(data):
                raise ProtoError("truncated fixed-width field")
        else:
            raise ProtoError(f"unsupported wire type {wire}")
    return found


def _text(value: int | bytes, what: str) -> str:
    if not isinstance(value, bytes):
        raise ProtoError(f"{what} is not a string")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtoError(f"{what} is not UTF-8") from None


def _read_output(data: bytes) -> OutputFile:
    path, sha256, size, executable = "", "", 0, False
    for number, value in _fields(data):
        if number == 1:
            path = _text(value, "an output's path")
        elif number == 2 and isinstance(value, bytes):
            for inner, part in _fields(value):
                if inner == 1:
                    sha256 = _text(part, "a digest's hash")
                elif inner == 2 and isinstance(part, int):
                    size = part
        elif number == 4 and isinstance(value, int):
            executable = bool(value)
    if not path or len(sha256) != 64:
        raise ProtoError("an output without a path or a SHA-256 digest")
    return OutputFile(path, sha256, size, executable)
