"""Fault injection: the next calls of a method fail like Telegram or its gateway would, or are
answered late; and a wait until every injected fault was served."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from .http import Response
from .models import ApiError, Fault
from .state import BotState

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


class Faults(BotState):
    """The fault-injection half of FakeBotAPI (which answers calls with ``_take_fault``)."""

    _faults: dict[str, list[Fault]]
    _faulting: int  # calls being answered with a fault or delay right now

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

    async def faults_served(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until every injected failure and delay was used up and its call answered."""

        def served() -> bool | None:
            return (not self._faulting and not any(self._faults.values())) or None

        if not await self._wait_until(served, timeout):
            raise AssertionError(f"injected faults still pending after {timeout}s: {self._faults}")
