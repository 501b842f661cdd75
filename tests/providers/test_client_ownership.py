"""Who closes a client: whoever built it. A provider closes the clients it created and
leaves alone the clients and providers it was given, which stay the caller's.

Each test counts the connections the fake server sees open: a closed client, or a
stream closed early, hangs up its connection; one left alone keeps it (kept alive for
the next call)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, cast

import ollama
from agents import Model, ModelResponse
from agents.items import TResponseStreamEvent
from openai import AsyncOpenAI

from openai_agents.model_providers.providers.errors.classification import describe_ollama
from openai_agents.model_providers.providers.errors.wrapper import (
    ActionableErrorsModel,
    CallBounds,
)
from openai_agents.model_providers.providers.ollama_native.provider import (
    OllamaModel,
    OllamaModelProvider,
)
from openai_agents.model_providers.providers.router.provider import (
    MultiModelProvider,
    MultiModelProviderMap,
)
from testkit.fakes import ollama_native, openai_responses
from testkit.fakes.ollama_native import FakeOllama
from testkit.fakes.openai_responses import FakeOpenAIResponses
from testkit.model_calls import call_model_once, model_call_arguments

OPENAI_KEY = "sk-proj-ownership-0123456789"
# Long enough for a close, if one were coming, to reach the server.
STAYS_OPEN_SECONDS = 0.5


async def test_the_router_closes_the_openai_client_it_built() -> None:
    with FakeOpenAIResponses([openai_responses.answer_quoting_tool_result()]) as server:
        router = MultiModelProvider(openai_api_key=OPENAI_KEY, openai_base_url=f"{server.url}/v1")
        await call_model_once(router.get_model("openai/gpt-4.1"))
        assert server.wait_for_open_connections(1) == 1  # Kept alive for the next call.

        await router.aclose()

        assert server.wait_for_open_connections(0) == 0


async def test_the_router_leaves_a_given_openai_client_to_the_caller() -> None:
    steps = [openai_responses.answer_quoting_tool_result()] * 2
    with FakeOpenAIResponses(steps) as server:
        client = AsyncOpenAI(api_key=OPENAI_KEY, base_url=f"{server.url}/v1", max_retries=0)
        router = MultiModelProvider(openai_client=client)
        await call_model_once(router.get_model("openai/gpt-4.1"))

        await router.aclose()

        assert server.wait_for_open_connections(0, timeout=STAYS_OPEN_SECONDS) == 1
        await client.responses.create(model="gpt-4.1", input="still usable")
        await client.close()
        assert server.wait_for_open_connections(0) == 0


async def test_the_router_leaves_the_providers_in_its_map_to_the_caller() -> None:
    with FakeOllama([ollama_native.answer("from the GPU box")]) as server:
        mine = OllamaModelProvider(base_url=server.url)
        provider_map = MultiModelProviderMap()
        provider_map.add_provider("gpu", mine)
        router = MultiModelProvider(provider_map=provider_map)
        await call_model_once(router.get_model("gpu/gpt-oss:20b"))

        await router.aclose()

        # `mine` may serve other routers, or this caller directly: still open.
        assert server.wait_for_open_connections(0, timeout=STAYS_OPEN_SECONDS) == 1
        await mine.aclose()
        assert server.wait_for_open_connections(0) == 0


async def test_the_ollama_provider_closes_its_clients_and_leaves_a_given_one() -> None:
    answers = [ollama_native.answer("built"), ollama_native.answer("given")]
    with FakeOllama(answers) as server:
        built = OllamaModelProvider(base_url=server.url)
        await call_model_once(built.get_model("gpt-oss:20b"))
        await built.aclose()
        assert server.wait_for_open_connections(0) == 0

        client = ollama.AsyncClient(server.url)
        given = OllamaModelProvider(ollama_client=client)
        await call_model_once(given.get_model("gpt-oss:20b"))
        await given.aclose()
        assert server.wait_for_open_connections(0, timeout=STAYS_OPEN_SECONDS) == 1
        await client.close()  # type: ignore[no-untyped-call]
        assert server.wait_for_open_connections(0) == 0


class KeepsItsStreams(Model):
    """`inner`, keeping a reference to every stream it opens.

    CPython finalises an async generator nothing refers to any more, which would close
    an abandoned stream however the wrapper treated it. Kept here, a stream is closed
    only if something closes it explicitly.
    """

    def __init__(self, inner: Model) -> None:
        self.inner = inner
        self.streams: list[AsyncIterator[TResponseStreamEvent]] = []

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        return await self.inner.get_response(*args, **kwargs)

    def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[TResponseStreamEvent]:
        stream = self.inner.stream_response(*args, **kwargs)
        self.streams.append(stream)
        return stream


async def test_a_stream_the_consumer_stops_early_is_closed_at_once() -> None:
    with FakeOllama([ollama_native.slow_stream(pieces=100, delay=0.05)]) as server:
        client = ollama.AsyncClient(server.url)
        inner = KeepsItsStreams(OllamaModel("gpt-oss:20b", client))
        bounds = CallBounds(lambda _name: describe_ollama(server.url), 28.0)
        model = ActionableErrorsModel(inner, "gpt-oss:20b", bounds)
        events = cast(
            AsyncGenerator[TResponseStreamEvent, None],
            model.stream_response(**model_call_arguments("Write a long poem")),
        )
        try:
            await anext(events)
            assert server.wait_for_open_connections(1) == 1

            await events.aclose()  # The consumer has read enough.

            assert server.wait_for_open_connections(0) == 0
            assert server.abandoned_streams == 1
        finally:
            for stream in inner.streams:
                await cast(AsyncGenerator[TResponseStreamEvent, None], stream).aclose()
            await client.close()  # type: ignore[no-untyped-call]
