"""The workers' start-up check of a model: any well-formed answer that the model exists
lets the worker start, and a host that never answers the connection reads as unreachable.

The native check asks Ollama's `/api/show`. Servers differ in what that reply holds
(versions, Ollama Cloud, proxies), so the check must not depend on optional fields.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from openai import AsyncOpenAI

from openai_agents.model_providers import run_multi_provider_worker
from openai_agents.model_providers.providers import (
    ConfigurationError,
    MultiModelProvider,
    check_models_ready,
    check_openai_compatible_model,
    describe_ollama,
    ollama_host,
)
from openai_agents.model_providers.providers.ollama_native import OllamaModelProvider
from testkit.fakes.ollama_native import FakeOllama
from testkit.fakes.ollama_openai import FakeLlamaCpp
from tests.helpers.in_process import ScriptMain, failure_of
from tests.helpers.processes import closed_port_address

REGISTRY_MODEL = "hf.co/org/model:Q4_K_M"

# `/api/show` replies that say the model exists, as some servers send them: without
# `model_info`, which the `ollama` client's `ShowResponse` requires.
SPARSE_SHOW_REPLIES = [
    pytest.param({}, id="empty-object"),
    pytest.param({"capabilities": ["completion", "tools"]}, id="no-model-info"),
    pytest.param({"model_info": None, "capabilities": "tools"}, id="odd-types"),
]


@contextlib.contextmanager
def never_accepting_address() -> Iterator[str]:
    """`127.0.0.1:port` of a listening socket whose accept queue is full.

    The kernel then drops further connection attempts without an answer, so a client's
    connect times out, as it does for a host behind a firewall that drops packets. (A
    closed port is refused at once instead.) With a backlog of 0, Linux queues one
    connection; the loop fills the queue whatever this system's count is.
    """
    listener = socket.socket()
    queued: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        for _ in range(64):
            probe = socket.socket()
            probe.settimeout(0.3)
            try:
                probe.connect(address)
            except TimeoutError:  # The queue is full: the next connect will time out too.
                probe.close()
                break
            queued.append(probe)
        else:
            pytest.skip("this system completes connections beyond the listen backlog")
        yield f"{address[0]}:{address[1]}"
    finally:
        for connection in queued:
            connection.close()
        listener.close()


@pytest.mark.parametrize("show_body", SPARSE_SHOW_REPLIES)
async def test_the_native_check_accepts_any_json_object_reply(show_body: dict[str, Any]) -> None:
    with FakeOllama([], show_body=show_body) as ollama:
        provider = OllamaModelProvider(base_url=ollama.url)
        try:
            await provider.check_model_available("gpt-oss:20b")
        finally:
            await provider.aclose()

    [show] = ollama.requests_to("/api/show")
    assert show.body["model"] == "gpt-oss:20b"


async def test_the_native_check_still_reports_a_model_that_is_not_pulled() -> None:
    with FakeOllama([], pulled=("llama3.2:1b",), show_body={}) as ollama:
        provider = OllamaModelProvider(base_url=ollama.url)
        try:
            with pytest.raises(ConfigurationError, match="has no model 'gpt-oss:20b'"):
                await provider.check_model_available("gpt-oss:20b")
        finally:
            await provider.aclose()


async def test_the_native_check_rejects_a_reply_that_is_not_json() -> None:
    # E.g. OLLAMA_HOST pointing at a web server that answers every request with a page.
    with FakeOllama([], show_body=b"<html>Welcome</html>") as ollama:
        provider = OllamaModelProvider(base_url=ollama.url)
        try:
            with pytest.raises(ConfigurationError) as raised:
                await provider.check_model_available("gpt-oss:20b")
        finally:
            await provider.aclose()

    assert str(raised.value) == (
        f"Ollama at {ollama.url} did not answer in JSON when asked for model 'gpt-oss:20b'; "
        "check that it is an Ollama server"
    )


@pytest.mark.parametrize("model", ["ollama/gpt-oss:20b", "gpt-oss:20b", REGISTRY_MODEL])
async def test_the_router_check_accepts_a_reply_without_model_info(
    model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pulled = ("gpt-oss:20b", REGISTRY_MODEL)
    with FakeOllama([], pulled=pulled, show_body={"capabilities": ["completion"]}) as ollama:
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        await check_router_model_ready(model)

    # The name reached Ollama without its router prefix; a registry path, whole.
    [show] = ollama.requests_to("/api/show")
    assert show.body["model"] == model.removeprefix("ollama/")


async def test_a_connect_timeout_in_the_native_check_reads_as_unreachable() -> None:
    with never_accepting_address() as address:
        host = f"http://{address}"
        provider = OllamaModelProvider(base_url=host, request_timeout_seconds=0.5)
        try:
            with pytest.raises(ConfigurationError) as raised:
                await provider.check_model_available("gpt-oss:20b")
        finally:
            await provider.aclose()

    assert str(raised.value) == describe_ollama(host).unreachable()


async def test_a_connect_timeout_in_the_router_check_reads_as_unreachable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with never_accepting_address() as address:
        monkeypatch.setenv("OLLAMA_HOST", f"http://{address}")
        with pytest.raises(ConfigurationError) as raised:
            await check_router_model_ready("ollama/gpt-oss:20b", request_timeout_seconds=0.5)

    assert str(raised.value) == describe_ollama(f"http://{address}").unreachable()


async def test_a_connect_timeout_in_the_openai_compatible_check_reads_as_unreachable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with never_accepting_address() as address:
        monkeypatch.setenv("OLLAMA_HOST", f"http://{address}")
        with pytest.raises(ConfigurationError) as raised:
            await check_gpt_oss_model("gpt-oss:20b", request_timeout_seconds=0.5)

    assert str(raised.value) == describe_ollama(f"http://{address}").unreachable()


async def check_router_model_ready(model: str, request_timeout_seconds: float = 5.0) -> None:
    """The router worker's start with `--check-model model`."""
    router = MultiModelProvider(
        default_prefix="ollama", request_timeout_seconds=request_timeout_seconds
    )
    try:
        await check_models_ready(router, [model])
    finally:
        await router.aclose()


async def check_gpt_oss_model(model: str, request_timeout_seconds: float) -> None:
    """The GPT-OSS worker's start-up check, of OLLAMA_HOST's `/v1`, as its script makes it."""
    host = ollama_host()
    client = AsyncOpenAI(
        base_url=f"{host}/v1", api_key="ollama", max_retries=0, timeout=request_timeout_seconds
    )
    try:
        await check_openai_compatible_model(
            client, model, describe_ollama(host), request_timeout_seconds
        )
    finally:
        await client.close()


async def assert_stops_with_one_line(main: ScriptMain, starting: str, **options: Any) -> None:
    line, exit_code = await failure_of(main, **options)
    assert exit_code == 2, line
    assert line.startswith(f"error: {starting}"), line


@pytest.mark.parametrize(
    ("main", "options"),
    [
        # The GPT-OSS sample's bare name: native Ollama, the router's default prefix.
        (run_multi_provider_worker.main, {"check_model": ["gpt-oss:20b"]}),
        (run_multi_provider_worker.main, {"check_model": ["ollama/gpt-oss:20b"]}),
    ],
    ids=["router-bare-name", "router"],
)
async def test_workers_start_on_a_show_reply_without_model_info(
    monkeypatch: pytest.MonkeyPatch, main: ScriptMain, options: dict[str, Any]
) -> None:
    # With no Temporal server, a worker that passed its model check stops at the next
    # step, connecting to Temporal: that line proves the check let it through.
    temporal = closed_port_address()
    monkeypatch.setenv("TEMPORAL_ADDRESS", temporal)
    with FakeOllama([], show_body={"capabilities": ["completion"]}) as ollama:
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        await assert_stops_with_one_line(
            main, starting=f"cannot reach Temporal at {temporal}", **options
        )


async def test_the_routers_native_ollama_check_with_a_host_that_never_accepts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `--timeout 1` makes the model calls' HTTP timeout, and so the check's, 0.5 s.
    with never_accepting_address() as address:
        monkeypatch.setenv("OLLAMA_HOST", address)
        await assert_stops_with_one_line(
            run_multi_provider_worker.main,
            starting=describe_ollama(f"http://{address}").unreachable(),
            check_model=["ollama/gpt-oss:20b"],
            timeout=1.0,
        )


async def test_the_openai_compatible_check_works_on_a_server_that_only_lists_its_models(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """llama.cpp (and other OpenAI-compatible servers) have no `GET /v1/models/{id}`: the
    check then finds the model in `GET /v1/models`."""
    with FakeLlamaCpp([], pulled=("smollm2:135m",)) as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        await check_gpt_oss_model("smollm2:135m", request_timeout_seconds=5)
        with pytest.raises(ConfigurationError) as raised:
            await check_gpt_oss_model("gpt-oss:20b", request_timeout_seconds=5)

    assert str(raised.value) == (
        f"{describe_ollama(server.url).where} does not serve model 'gpt-oss:20b' (its "
        "/v1/models lists smollm2:135m): name one of those with --model"
    )


async def test_the_native_check_says_when_the_server_is_not_ollama() -> None:
    """An OpenAI-compatible server that is not Ollama has no `/api/show`: its 404 is not
    a missing model to pull, and says so in one line."""
    with FakeLlamaCpp([]) as server:
        provider = OllamaModelProvider(base_url=server.url, request_timeout_seconds=5)
        try:
            with pytest.raises(ConfigurationError) as raised:
                await provider.check_model_available("smollm2:135m")
        finally:
            await provider.aclose()

    message = str(raised.value)
    assert message == (
        f"the server at {server.url} is not Ollama (its /api/show answered HTTP 404: File "
        "Not Found): point OLLAMA_HOST at Ollama, or use the server's OpenAI-compatible "
        "API (the GPT-OSS worker, or the router's openai/ or litellm/openai/ models)"
    )
