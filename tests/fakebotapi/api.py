"""FakeBotAPI: the fake Telegram Bot API server, its conversation drivers and call waiters."""

from __future__ import annotations

import asyncio
import inspect
import re
import time
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from .http import HTTPServer, Request, Response, decode_params
from .methods import METHODS, Methods
from .models import ApiError, Call, Chat, Fault, User, buttons

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
}
_NGINX_PAGE = (
    "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n"
    "<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{5,32})?(?![\w/])")
Predicate = Callable[[Call], bool]


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def auto_entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities, as Telegram adds them to a user's message."""
    found = [("bot_command", m) for m in _COMMAND.finditer(text)]
    found += [("mention", m) for m in _MENTION.finditer(text)]
    return sorted(
        (
            {"type": kind, "offset": _utf16(text[: m.start()]), "length": _utf16(m.group())}
            for kind, m in found
        ),
        key=lambda e: e["offset"],
    )


class FakeBotAPI(Methods):
    """A fake Telegram Bot API on 127.0.0.1 for end-to-end tests of a real PTB Application.

    ``async with FakeBotAPI() as api:`` then build the bot with ``base_url=api.base_url`` and
    ``base_file_url=api.base_file_url``; drive it with ``send_message``/``press_button``/...
    and check what it did with ``wait_for``/``calls_of``/``messages``.
    """

    def __init__(
        self,
        token: str = "123:ABC",
        bot_username: str = "speech_test_bot",
        *,
        bot_first_name: str = "Speech Test Bot",
        default_user: User | None = None,
    ) -> None:
        super().__init__(token, bot_username, bot_first_name)
        self.default_user = default_user or User(10001, "Tester", username="tester")
        self.calls: list[Call] = []
        self.errors: list[BaseException] = []  # bugs in the fake itself, re-raised on exit
        self.root_url = ""
        self._server = HTTPServer(self._handle)
        self._faults: dict[str, list[Fault]] = {}
        self._consumed: set[int] = set()
        self._in_flight = 0
        self._last_activity = 0.0

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1:``port`` (0: any free port)."""
        port = await self._server.start(port=port)
        self.root_url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        await self._server.close()

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        await self.close()
        if self.errors and exc_type is None:
            raise AssertionError(f"FakeBotAPI failed internally: {self.errors!r}") from self.errors[
                0
            ]

    # --- HTTP ----------------------------------------------------------------------------------

    async def _handle(self, request: Request) -> Response:
        try:
            return await self._route(request)
        except Exception as exc:  # a bug in the fake, or a request it cannot decode
            self.errors.append(exc)
            body = {
                "ok": False,
                "error_code": 500,
                "description": f"Internal Server Error: {exc!r}",
            }
            return Response.json(body, 500)

    async def _route(self, request: Request) -> Response:
        if match := re.fullmatch(r"/file/bot([^/]*)/(.+)", request.path):
            data = self.file_bytes(match[2]) if match[1] == self.token else None
            if data is None:
                return Response.json(
                    {"ok": False, "error_code": 404, "description": "Not Found"}, 404
                )
            return Response(200, data, "application/octet-stream")
        match = re.fullmatch(r"/bot([^/]*)/([A-Za-z]*)", request.path)
        if match is None:
            return Response.json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        if not re.fullmatch(r"\d+:[\w-]+", match[1]):  # malformed token: Telegram says 404
            return Response.json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        if match[1] != self.token:
            error = ApiError(401, "Unauthorized")
            return Response.json(error.to_dict(), 401)
        name, handler = METHODS.get(match[2].lower(), (match[2], None))
        busy = name != "getUpdates"
        self._in_flight += busy
        try:
            return await self._call(name, handler, decode_params(request))
        finally:
            self._in_flight -= busy
            if busy:
                self._last_activity = time.monotonic()

    async def _call(self, name: str, handler: Any, params: dict[str, Any]) -> Response:
        started = time.time()
        result: Any = None
        fault = self._take_fault(name)
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        if fault is not None and fault.status is not None:
            response, error = self._fault_response(fault)
        elif handler is None:
            error = ApiError(404, "Not Found: method not found").to_dict()
            response = Response.json(error, 404)
        else:
            try:
                result = handler(self, params)
                if inspect.isawaitable(result):
                    result = await result
                response, error = Response.json({"ok": True, "result": result}), None
            except ApiError as exc:
                error, result = exc.to_dict(), None
                response = Response.json(error, exc.code)
        self.calls.append(Call(name, params, started, len(self.calls), result, error))
        self._notify()
        return response

    def _take_fault(self, method: str) -> Fault | None:
        faults = self._faults.get(method)
        if not faults:
            return None
        fault = faults[0]
        fault.times -= 1
        if fault.times <= 0:
            faults.pop(0)
        return fault

    def _fault_response(self, fault: Fault) -> tuple[Response, dict[str, Any]]:
        status = fault.status or 500
        if status >= 502:  # nginx answers these itself, with HTML
            page = _NGINX_PAGE.format(f"{status} {HTTPStatus(status).phrase}")
            return Response(status, page.encode(), "text/html"), {"status": status}
        if status == 429:
            retry = fault.retry_after
            retry = int(retry) if float(retry).is_integer() else retry
            error = ApiError(
                429,
                fault.description or f"Too Many Requests: retry after {retry}",
                {"retry_after": retry},
            )
        else:
            error = ApiError(
                status, fault.description or _DEFAULT_DESCRIPTIONS.get(status, "Error")
            )
        return Response.json(error.to_dict(), status), error.to_dict()

    # --- fault injection -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: float = 1,
        times: int = 1,
        delay: float = 0.0,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status`` (after ``delay`` s).

        429 -> Telegram's flood-wait JSON with ``parameters.retry_after``; 502/503/504 -> nginx
        HTML page (not JSON); other codes -> Telegram error JSON (``description`` overrides).
        """
        fault = Fault(status, retry_after, delay, description, times)
        self._faults.setdefault(method, []).append(fault)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` normally but only after ``seconds``.

        Like real Telegram, the call takes effect even if the client timed out meanwhile.
        """
        self._faults.setdefault(method, []).append(Fault(None, 0, seconds, None, times))

    # --- driving the conversation (the user's side) --------------------------------------------

    def _participants(self, user: User | None, chat: Chat | None) -> tuple[User, Chat]:
        if user is None:
            user = (self.user_of(chat) if chat is not None else None) or self.default_user
        chat = self.register_chat(chat or Chat.private(user), user)
        return user, chat

    def send_message(
        self,
        text: str,
        *,
        user: User | None = None,
        chat: Chat | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Queue a text message from ``user`` (default: ``default_user``) in ``chat`` (default:
        the user's private chat). Returns the new message_id."""
        user, chat = self._participants(user, chat)
        reply = self.message(chat.id, reply_to) if reply_to is not None else None
        if reply_to is not None and reply is None:
            raise LookupError(f"no message {reply_to} in chat {chat.id} to reply to")
        content = {
            "text": text,
            "entities": auto_entities(text) if entities is None else entities,
            "reply_to_message": reply,
        }
        message = self._new_message(chat, user, {k: v for k, v in content.items() if v})
        self.queue_update({"message": message})
        return int(message["message_id"])

    def send_document(
        self,
        file_name: str,
        data: bytes,
        mime_type: str = "application/octet-stream",
        *,
        user: User | None = None,
        chat: Chat | None = None,
        caption: str | None = None,
    ) -> int:
        """Queue a document message; getFile and the file URL then serve ``data``."""
        user, chat = self._participants(user, chat)
        content = {"document": self._store_file(data, file_name, mime_type), "caption": caption}
        message = self._new_message(chat, user, content)
        self.queue_update({"message": message})
        return int(message["message_id"])

    def press_button(
        self,
        message: Call | Mapping[str, Any],
        callback_data: str,
        *,
        user: User | None = None,
        strict: bool = True,
    ) -> str:
        """Queue a callback_query for a button of a message the bot sent (a sendMessage /
        editMessage* Call or a message dict). The message's *current* state is used; with
        ``strict`` the button must exist on it. Returns the callback query id."""
        sent = message.result if isinstance(message, Call) else message
        if not isinstance(sent, Mapping) or "message_id" not in sent:
            raise ValueError(f"not a message: {sent!r}")
        current = self.message(sent["chat"]["id"], sent["message_id"])
        if current is None:
            raise LookupError(f"message {sent['message_id']} was deleted or never sent")
        available = [data for row in buttons(current) for _, data in row]
        if strict and callback_data not in available:
            raise ValueError(f"no button {callback_data!r} on the message; it has {available!r}")
        user, chat = self._participants(user, self.chats[sent["chat"]["id"]])
        query_id = self._new_query_id()
        self.queue_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.to_dict(),
                    "message": current,
                    "chat_instance": self._chat_instance(chat.id),
                    "data": callback_data,
                }
            }
        )
        return query_id

    def inline_query(
        self, query: str, *, user: User | None = None, offset: str = "", chat_type: str = "sender"
    ) -> str:
        """Queue an inline_query update; returns the inline query id."""
        user = user or self.default_user
        query_id = self._new_query_id()
        self.queue_update(
            {
                "inline_query": {
                    "id": query_id,
                    "from": user.to_dict(),
                    "query": query,
                    "offset": offset,
                    "chat_type": chat_type,
                }
            }
        )
        return query_id

    # --- inspecting what the bot did -----------------------------------------------------------

    def mark(self) -> int:
        """A marker for ``wait_for(..., since=mark)``: only calls made after now match."""
        return len(self.calls)

    def calls_of(
        self,
        method: str,
        predicate: Predicate | None = None,
        *,
        since: int = 0,
        ok: bool | None = True,
    ) -> list[Call]:
        """Recorded calls of ``method`` (successful ones unless ``ok`` is None/False)."""
        return [
            c
            for c in self.calls[since:]
            if c.method == method
            and (ok is None or c.ok == ok)
            and (predicate is None or predicate(c))
        ]

    async def wait_for(
        self,
        method: str,
        predicate: Predicate | None = None,
        *,
        since: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109
        ok: bool | None = True,
    ) -> Call:
        """The earliest matching call at index >= ``since`` not returned by an earlier
        ``wait_for``; waits up to ``timeout`` s for it. Successive waits for the same method
        thus return successive calls. ``ok=True`` skips failed calls (None: any, False: only
        failed). Raises AssertionError (listing what was called) on timeout."""

        def find() -> Call | None:
            for call in self.calls_of(method, predicate, since=since, ok=ok):
                if call.index not in self._consumed:
                    return call
            return None

        call = await self._wait_until(find, timeout)
        if call is None:
            seen = [
                (c.method, c.params.get("text"))
                for c in self.calls[since:]
                if c.method != "getUpdates"
            ]
            raise AssertionError(f"no matching {method} call within {timeout}s; calls: {seen!r}")
        self._consumed.add(call.index)
        return call

    async def settle(self, quiet: float = 0.2, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until no request other than getUpdates was in progress or made for ``quiet`` s."""
        deadline = time.monotonic() + timeout
        while (idle := time.monotonic() - self._last_activity) < quiet or self._in_flight:
            if time.monotonic() > deadline:
                raise AssertionError(f"bot did not settle within {timeout}s")
            await asyncio.sleep(max(quiet - idle, 0.01))

    @staticmethod
    def buttons(obj: Call | Mapping[str, Any] | None) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows of (text, callback_data) of a Call, message or reply_markup."""
        return buttons(obj)

    def button_data(self, obj: Call | Mapping[str, Any] | None, label: str) -> str:
        """The callback_data of the button labelled ``label``; AssertionError if there is none."""
        rows = buttons(obj)
        for row in rows:
            for text, data in row:
                if text == label and data:
                    return data
        raise AssertionError(f"no button {label!r} in {rows!r}")
