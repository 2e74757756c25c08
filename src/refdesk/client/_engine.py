"""The sans-I/O engine shared by ``Client`` and ``AsyncClient``.

Everything that decides — which token to send and when to renew it, pacing, whether and when
to retry, what an answer means — is written once here as generators that yield *steps*:
:class:`Send` (send this request, give me the response or throw the transport error) and
:class:`Sleep` (wait this long). ``Client`` and ``AsyncClient`` only carry the steps out, one
with ``httpx.Client`` and ``time.sleep``, the other with ``httpx.AsyncClient`` and
``asyncio.sleep``.

Layers, outermost first: a *flow* (``_core``: one helper's calls, e.g. re-read and re-apply
on 409) -> :meth:`Engine.call` (bearer token, one renewal on 401, error mapping) ->
:meth:`Engine.transmit` (pacing and retries of one request).
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TypeVar

import httpx

from refdesk.client._auth import Token, TokenManager
from refdesk.client._config import RetryPolicy, same_origin
from refdesk.client._core import Answer, Call, Flow, build_request, decode
from refdesk.client._errors import APIError, RefdeskError, TransportError, error_from_response
from refdesk.client._retry import Pacer, retry_after_error, retry_after_transport_error

T = TypeVar("T")


@dataclass(frozen=True)
class Send:
    """Send ``request``; resume with the (fully read) response or throw the transport error."""

    request: httpx.Request


@dataclass(frozen=True)
class Sleep:
    """Wait ``seconds``, then resume."""

    seconds: float


Step = Send | Sleep
Steps = Generator[Step, httpx.Response | None, T]

# Token requests have no side effect worth protecting: retry them like a safe request.
_TOKEN_CALL = Call("POST", "oauth/token", idempotency_key="token-request")


class Engine:
    """The state of one client (token, pacing, random source) and the step generators."""

    def __init__(
        self,
        base_url: str,
        auth: TokenManager,
        policy: RetryPolicy,
        *,
        pace: bool,
        user_agent: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url
        self.base = httpx.URL(base_url + "/")
        self.auth = auth
        self.policy = policy
        self.pacer = Pacer() if pace else None
        self.user_agent = user_agent
        self.clock = clock
        self.rng = random.Random()

    # -- URLs -----------------------------------------------------------------------------------

    def url(self, call: Call) -> httpx.URL:
        """Absolute links as they are; paths relative to the base URL (``sites/7``), also when
        written with the base path (``/api/v2/sites/7``)."""
        if call.url.startswith(("http://", "https://")):
            url = httpx.URL(call.url)
        else:
            path = call.url
            base_path = self.base.path
            if path.startswith(base_path):
                path = path[len(base_path) :]
            url = self.base.join(path.lstrip("/"))
        # The token goes to the configured API origin only, never to a host a link names.
        if not same_origin(str(url), self.base_url):
            raise RefdeskError(
                f"refusing to send credentials to {url.scheme}://{url.netloc.decode()}: "
                f"not the API origin of {self.base_url}"
            )
        return url

    # -- layers ---------------------------------------------------------------------------------

    def run(self, flow: Flow[T]) -> Steps[T]:
        """Carry out a flow: each call it yields is sent, its answer (or APIError) handed back."""
        try:
            call = next(flow)
            while True:
                try:
                    answer = yield from self.call(call)
                except APIError as exc:
                    call = flow.throw(exc)
                else:
                    call = flow.send(answer)
        except StopIteration as stop:
            result: T = stop.value
            return result

    def call(self, call: Call) -> Steps[Answer]:
        url = self.url(call)
        reauthed = False
        while True:
            authorization = yield from self.authorization()
            build = functools.partial(build_request, call, url, authorization, self.user_agent)
            response = yield from self.transmit(call, build, observe=True)
            if response.status_code == 401 and not reauthed and self.auth.can_renew:
                # The token was revoked or expired early: renew once and send again.
                reauthed = True
                self.auth.invalidate()
                continue
            if not response.is_success:
                raise error_from_response(response)
            return decode(response)

    def authorization(self) -> Steps[str]:
        token = self.auth.current(self.clock())
        if token is None:
            token = yield from self.token(self.auth.renewal_request())
        return token.authorization

    def token(self, request: httpx.Request) -> Steps[Token]:
        """Send a token request (any grant) and adopt the token it returns."""
        response = yield from self.transmit(_TOKEN_CALL, lambda: request, observe=False)
        return self.auth.accept(response, self.clock())

    def transmit(
        self, call: Call, build: Callable[[], httpx.Request], observe: bool
    ) -> Steps[httpx.Response]:
        """One request until it succeeds, fails for good, or the retry budget is spent. Returns
        the last response (success or error); raises TransportError when none came."""
        attempt = 0
        started = self.clock()
        while True:
            request = build()
            if observe and self.pacer is not None:
                delay = self.pacer.delay(self.clock())
                if delay > 0:
                    yield Sleep(delay)
            attempt += 1
            try:
                response = yield Send(request)
            except httpx.TransportError as exc:
                retry = retry_after_transport_error(
                    call, self.policy, attempt, self.clock() - started, self.rng
                )
                if retry is None:
                    text = str(exc) or type(exc).__name__
                    raise TransportError(
                        f"{request.method} {request.url}: {text}", request
                    ) from exc
            else:
                assert response is not None
                if observe and self.pacer is not None:
                    self.pacer.observe(response, self.clock())
                if response.status_code < 400:
                    return response
                retry = retry_after_error(
                    call, response, self.policy, attempt, self.clock() - started, self.rng
                )
                if retry is None:
                    return response
            yield Sleep(retry.delay)
