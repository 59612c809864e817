"""A tiny HTTP/1.1 server on asyncio streams, and Bot API request-body decoding.

Supports keep-alive, Content-Length and chunked bodies, and bodies encoded as JSON,
application/x-www-form-urlencoded and multipart/form-data (what PTB/httpx send).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .models import UploadedFile


@dataclass
class Request:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        try:
            return cls(status, json.dumps(data, ensure_ascii=False).encode())
        except UnicodeEncodeError:  # lone surrogates: JSON can still carry them as \uXXXX escapes
            return cls(status, json.dumps(data).encode())


Handler = Callable[[Request], Awaitable[Response]]


class HTTPServer:
    """Serves ``handler`` on 127.0.0.1 (random free port by default)."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[Any]] = set()
        self.port = 0
        self.connections_accepted = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._server = await asyncio.start_server(self._serve, host, port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        self.connections_accepted += 1
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                response = await self._handler(request)
                keep_alive = request.headers.get("connection", "").lower() != "close"
                writer.write(_encode_response(response, keep_alive))
                await writer.drain()
                if not keep_alive:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass  # client went away or sent garbage: drop the connection
        except asyncio.CancelledError:
            # close() cancels us; finishing normally keeps asyncio's stream callback from
            # logging "Exception in callback ... CancelledError" (Python 3.11).
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    line = await reader.readline()
    if not line.strip():
        return None  # connection closed (or stray blank line, which we treat the same)
    method, target, _version = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while size := int((await reader.readline()).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        while await reader.readline() not in (b"\r\n", b"\n", b""):
            pass  # trailers
        body = b"".join(chunks)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    url = urlsplit(target)
    query = parse_qsl(url.query, keep_blank_values=True)
    return Request(method.upper(), unquote(url.path), query, headers, body)


def _encode_response(response: Response, keep_alive: bool) -> bytes:
    reason = HTTPStatus(response.status).phrase
    headers = {
        "Server": "nginx/1.18.0",
        "Content-Type": response.content_type,
        "Content-Length": str(len(response.body)),
        "Connection": "keep-alive" if keep_alive else "close",
        **response.headers,
    }
    head = f"HTTP/1.1 {response.status} {reason}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return head.encode("latin-1") + b"\r\n" + response.body


# --- body decoding ----------------------------------------------------------------------------

# Parameters whose value is a plain string even when it looks like JSON ("123", "true", ...).
_STRINGS = """text caption parse_mode callback_query_id inline_query_id url query description
    short_description name title action next_offset language_code inline_message_id
    business_connection_id message_effect_id secret_token ip_address switch_pm_text
    switch_pm_parameter emoji file_id custom_emoji_id"""
STRING_PARAMS = frozenset(_STRINGS.split())
# Parameters that hold JSON even in a JSON body (some clients double-encode them).
_JSONS = """reply_markup entities caption_entities results commands scope reply_parameters
    link_preview_options allowed_updates media button"""
JSON_PARAMS = frozenset(_JSONS.split())

_PARAM = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def _form_value(name: str, value: str) -> Any:
    if name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # e.g. chat_id="@channel" or a file_id


def _multipart(body: bytes, content_type: str) -> list[tuple[str, Any]]:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise ValueError("multipart body without boundary")
    delimiter = b"--" + match.group(1).encode()
    fields: list[tuple[str, Any]] = []
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode("utf-8").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        params = {
            key: re.sub(r"%(22|[01][0-9A-F])", lambda m: chr(int(m.group(1), 16)), value).replace(
                "\\\\", "\\"
            )
            for key, value in _PARAM.findall(headers.get("content-disposition", ""))
        }
        if "filename" in params:
            upload = UploadedFile(params["filename"], headers.get("content-type"), content)
            fields.append((params["name"], upload))
        else:
            fields.append((params["name"], _form_value(params["name"], content.decode())))
    return fields


def decode_params(request: Request) -> dict[str, Any]:
    """The Bot API parameters of a request: query string plus body, values decoded."""
    params: dict[str, Any] = {k: _form_value(k, v) for k, v in request.query}
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";")[0].strip().lower()
    if not request.body:
        return params
    if kind == "application/json":
        for key, value in json.loads(request.body).items():
            is_json_text = key in JSON_PARAMS and isinstance(value, str)
            params[key] = json.loads(value) if is_json_text else value
    elif kind == "multipart/form-data":
        params.update(_multipart(request.body, content_type))
    else:  # application/x-www-form-urlencoded (httpx's default for data=...)
        pairs = parse_qsl(request.body.decode(), keep_blank_values=True)
        params.update((k, _form_value(k, v)) for k, v in pairs)
    return params
