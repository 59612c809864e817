"""FakeBotAPI: the fake Telegram Bot API server and its call waiters.

The users' side (messages, files, button presses, inline queries) is in users.py, fault
injection in faults.py, the Bot API methods in methods.py.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from .faults import Faults
from .http import HTTPServer, Request, Response, decode_params
from .methods import METHODS, Methods
from .models import ApiError, Call, Fault, User, buttons
from .users import Users

Predicate = Callable[[Call], bool]


class FakeBotAPI(Faults, Users, Methods):
    """A fake Telegram Bot API on 127.0.0.1 for end-to-end tests of a real PTB Application.

    ``async with FakeBotAPI() as api:`` then build the bot with ``base_url=api.base_url`` and
    ``base_file_url=api.base_file_url``; drive it with ``send_message``/``press_button``/...
    and check what it did with ``wait_for``/``calls_of``/``messages``. To show that the bot
    did *not* do something, wait for an event rather than for time: ``barrier`` (the bot
    answered a later update) or ``faults_served`` (every injected fault was answered).
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
        self.barrier_user = User(10002, "Barrier", username="barrier_user")  # see barrier()
        self.calls: list[Call] = []
        self.errors: list[BaseException] = []  # bugs in the fake itself, re-raised on exit
        self.root_url = ""
        self._server = HTTPServer(self._handle)
        self._faults: dict[str, list[Fault]] = {}
        self._faulting = 0  # calls answered with a fault or delay right now
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
        fault = self._take_fault(name)
        self._faulting += fault is not None
        try:
            response = await self._answer(name, handler, params, fault, started)
        finally:
            self._faulting -= fault is not None
        self._notify()
        return response

    async def _answer(
        self, name: str, handler: Any, params: dict[str, Any], fault: Fault | None, started: float
    ) -> Response:
        result: Any = None
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
        return response

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

    async def barrier(self, text: str = "/help", *, timeout: float = 20.0) -> Call:  # noqa: ASYNC109
        """Send ``text`` from ``barrier_user`` (a user of its own, in a chat of its own) and wait
        for the bot's reply, then until no call is in progress; returns the reply.

        The bot fetched this update after every earlier one and has answered it, so whatever it
        was going to do for the earlier ones has had a full getUpdates round trip and a reply
        to happen: "nothing else arrived" is then an observation, not a guess about timing.
        ``text`` must be something the bot answers with a message; leave ``barrier_user``'s
        chat out of what is counted (``not_barrier``).
        """
        since = self.mark()
        self.send_message(text, user=self.barrier_user)
        reply = await self.wait_for(
            "sendMessage", lambda c: not self.not_barrier(c), since=since, timeout=timeout
        )
        await self.settle(timeout=timeout)
        return reply

    def not_barrier(self, call: Call) -> bool:
        """Whether ``call`` is not in ``barrier_user``'s chat (a predicate for ``calls_of``)."""
        return call.get("chat_id") != self.barrier_user.id

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
