"""`MultiModelProvider` and `OllamaModelProvider`: which backend and host serve a name,
and which credentials go where."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable

import pytest
from agents import OpenAIChatCompletionsModel, OpenAIResponsesModel, UserError
from agents.extensions.models.litellm_model import LitellmModel
from openai import AsyncOpenAI
from temporalio.exceptions import ApplicationError

from openai_agents.model_providers.providers import ConfigurationError
from openai_agents.model_providers.providers.errors.wrapper import ActionableErrorsModel
from openai_agents.model_providers.providers.ollama_native.provider import (
    OllamaChatModel,
    OllamaModel,
    OllamaModelProvider,
)
from openai_agents.model_providers.providers.router.names import (
    check_ollama_model_name,
    check_routable_model_name,
)
from openai_agents.model_providers.providers.router.provider import (
    MultiModelProvider,
    MultiModelProviderMap,
    _BuiltOnFirstCall,
)
from testkit.fakes import ollama_native, ollama_openai, openai_responses
from testkit.fakes.http_server import FakeHTTPServer
from testkit.fakes.ollama_native import FakeOllama
from testkit.fakes.ollama_openai import FakeOllamaOpenAI
from testkit.fakes.openai_responses import FakeOpenAIResponses
from testkit.model_calls import call_model_once
from tests.helpers.leaks import assert_key_masked
from tests.helpers.processes import script_environment

CLOUD_KEY = "ollama-cloud-test-key"


@pytest.fixture
async def router() -> AsyncIterator[MultiModelProvider]:
    provider = MultiModelProvider(openai_api_key="sk-test", ollama_base_url="http://ollama:11434")
    yield provider
    await provider.aclose()


def unwrapped(model: object) -> object:
    """The backend's own model inside the actionable-errors wrapper (built now, where the
    router would build it in a thread at its first call)."""
    if isinstance(model, _BuiltOnFirstCall):
        model = model._build()
    while isinstance(model, ActionableErrorsModel) or hasattr(model, "_inner"):
        model = model._inner  # The wrapper around it: bounds, errors classified.
    return model


@pytest.mark.parametrize(
    ("name", "backend", "backend_model"),
    [
        ("ollama/gpt-oss:20b", OllamaChatModel, "gpt-oss:20b"),
        ("ollama/hf.co/org/model:Q4_K_M", OllamaChatModel, "hf.co/org/model:Q4_K_M"),
        ("litellm/anthropic/claude-sonnet-4-5", LitellmModel, "anthropic/claude-sonnet-4-5"),
        ("openai/gpt-4.1", OpenAIResponsesModel, "gpt-4.1"),
        ("gpt-4.1", OpenAIResponsesModel, "gpt-4.1"),
    ],
)
def test_each_prefix_routes_to_its_backend_with_the_rest_of_the_name(
    router: MultiModelProvider, name: str, backend: type, backend_model: str
) -> None:
    model = unwrapped(router.get_model(name))

    assert isinstance(model, backend)
    assert str(model.model) == backend_model  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "name", ["ollama/gpt-oss:20b", "litellm/anthropic/claude-sonnet-4-5", "openai/gpt-4.1"]
)
def test_one_wrapper_does_the_shared_work_between_the_router_and_each_backend(
    router: MultiModelProvider, name: str
) -> None:
    model = router.get_model(name)
    wrappers: list[str] = []
    if isinstance(model, _BuiltOnFirstCall):
        wrappers.append(type(model).__name__)
        model = model._build()
    while isinstance(model, ActionableErrorsModel):
        wrappers.append(type(model).__name__)
        model = model._inner

    assert not hasattr(model, "_inner")  # The backend's own model.
    assert len(wrappers) <= 2 and len(wrappers) - len(set(wrappers)) == 0, wrappers


@pytest.mark.parametrize(
    ("default_prefix", "name"),
    [("openai", "litellm/anthropic/claude-sonnet-4-5"), ("litellm", "claude-sonnet-4-5")],
)
def test_litellm_is_built_at_its_first_call_however_a_name_reaches_it(
    default_prefix: str, name: str
) -> None:
    """Building the LiteLLM provider imports LiteLLM, seconds of work: never in `get_model`,
    which runs on the worker's event loop, but in a thread as the first call starts."""
    router = MultiModelProvider(default_prefix=default_prefix)
    model = router.get_model(name)

    assert isinstance(model, _BuiltOnFirstCall)
    built = unwrapped(model)
    assert isinstance(built, LitellmModel) and built.model == name.removeprefix("litellm/")


def test_bare_names_go_to_the_configured_default() -> None:
    router = MultiModelProvider(default_prefix="ollama")

    assert isinstance(router.get_model("gpt-oss:20b"), OllamaModel)


# Ollama pulls these straight from a registry: the first segment is a host, not a prefix.
REGISTRY_PATHS = [
    "hf.co/org/model:Q4_K_M",
    "registry.example.com/team/model:latest",
    "localhost:5000/library/llama3:8b",
    "localhost/library/llama3",
]


@pytest.mark.parametrize("name", REGISTRY_PATHS)
async def test_a_bare_registry_path_reaches_the_default_provider_untouched(name: str) -> None:
    router = MultiModelProvider(default_prefix="ollama")
    try:
        model = router.get_model(name)
    finally:
        await router.aclose()

    assert isinstance(model, OllamaModel)
    assert model.model == name
    # The checks that run before anything starts agree with the router: the router
    # starter's, and the GPT-OSS worker's, which serves the same names from Ollama.
    check_routable_model_name(name)
    check_ollama_model_name(name)


@pytest.mark.parametrize("name", ["anthropic/claude-sonnet-4-5", "olama/gpt-oss:20b"])
def test_an_unknown_prefix_is_still_rejected_by_the_name_check(name: str) -> None:
    # Only a first segment that looks like a host is exempt: a mistyped or missing prefix
    # must still fail before anything starts, with the router's own message.
    with pytest.raises(ConfigurationError, match=r"^unknown model prefix '[a-z]+/' in "):
        check_routable_model_name(name)


def test_a_mapped_prefix_wins_over_the_built_in(router: MultiModelProvider) -> None:
    mine = OllamaModelProvider(base_url="http://gpu-box:11434")
    provider_map = MultiModelProviderMap()
    provider_map.add_provider("openai", mine)
    provider_map.add_provider("gpu", mine)
    provider_map.add_provider("gpu.lan", mine)  # A prefix that looks like a host is still one.
    routed = MultiModelProvider(provider_map=provider_map)

    # Without the map the same names go elsewhere, so the map is what routed them.
    assert isinstance(unwrapped(router.get_model("openai/gpt-oss:20b")), OpenAIResponsesModel)
    with pytest.raises(ApplicationError, match="unknown model prefix 'gpu/'"):
        router.get_model("gpu/llama3")
    assert isinstance(routed.get_model("openai/gpt-oss:20b"), OllamaModel)
    assert isinstance(routed.get_model("gpu/llama3"), OllamaModel)
    gpu_lan = routed.get_model("gpu.lan/llama3")
    assert isinstance(gpu_lan, OllamaModel) and gpu_lan.model == "llama3"
    assert provider_map.has_prefix("gpu") and provider_map.get_provider("gpu") is mine
    provider_map.remove_provider("gpu")
    provider_map.remove_provider("gpu")  # Forgiving, as in timestep.
    assert set(provider_map.get_mapping()) == {"openai", "gpu.lan"}


def test_an_unknown_prefix_is_one_final_line_listing_the_known_ones(
    router: MultiModelProvider,
) -> None:
    with pytest.raises(ApplicationError) as raised:
        router.get_model("anthropic/claude-sonnet-4-5")

    message = raised.value.message
    assert raised.value.non_retryable
    assert "\n" not in message
    assert "unknown model prefix 'anthropic/'" in message
    assert "ollama/, openai/, litellm/" in message
    assert "litellm/anthropic/claude-sonnet-4-5" in message


def test_openai_without_a_key_is_a_final_error_naming_the_variable() -> None:
    with pytest.raises(ApplicationError, match="needs OPENAI_API_KEY") as raised:
        MultiModelProvider().get_model("openai/gpt-4.1")
    assert raised.value.non_retryable


def fake_chat_completions() -> FakeHTTPServer:
    return FakeOllamaOpenAI([ollama_openai.answer_quoting_tool_result()], pulled=("gpt-4.1",))


def fake_responses() -> FakeHTTPServer:
    return FakeOpenAIResponses([openai_responses.answer_quoting_tool_result()])


@pytest.mark.parametrize(
    ("use_responses", "fake_server", "path", "backend"),
    [
        (False, fake_chat_completions, "/v1/chat/completions", OpenAIChatCompletionsModel),
        (True, fake_responses, "/v1/responses", OpenAIResponsesModel),
    ],
)
async def test_timesteps_positional_arguments_reach_the_openai_server(
    use_responses: bool,
    fake_server: Callable[[], FakeHTTPServer],
    path: str,
    backend: type,
) -> None:
    # timestep's order: provider_map, api key, base URL, client, organization, project,
    # use_responses. Asserted on the wire, where a swapped argument would show.
    with fake_server() as server:
        router = MultiModelProvider(
            None, "sk-test", f"{server.url}/v1", None, "org-test", "proj-test", use_responses
        )
        try:
            model = router.get_model("gpt-4.1")
            await call_model_once(model)
        finally:
            await router.aclose()

    assert isinstance(unwrapped(model), backend)
    [request] = server.requests
    assert request.path == path  # Under the given base URL, by the chosen API.
    assert request.body["model"] == "gpt-4.1"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.headers["openai-organization"] == "org-test"
    assert request.headers["openai-project"] == "proj-test"


def test_routing_to_ollama_never_imports_litellm() -> None:
    # A fresh interpreter: this test process has imported LiteLLM elsewhere.
    code = (
        "import sys\n"
        "from openai_agents.model_providers.providers.router.provider import MultiModelProvider\n"
        "MultiModelProvider().get_model('ollama/gpt-oss:20b')\n"
        "print('litellm' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "False"


def test_a_malformed_ollama_host_fails_the_routed_call_for_good_in_one_line() -> None:
    """`ollama` reads OLLAMA_HOST as it is imported, and fails on a malformed one with a
    traceback; the router imports it at its first Ollama call, which must instead fail
    once, in one line, rather than be retried into the same traceback."""
    code = (
        "from temporalio.exceptions import ApplicationError\n"
        "from openai_agents.model_providers.providers.router.provider import MultiModelProvider\n"
        "try:\n"
        "    MultiModelProvider().get_model('ollama/gpt-oss:20b')\n"
        "except ApplicationError as error:\n"
        "    print(error.type, error.non_retryable, error.message)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=script_environment(OLLAMA_HOST="http://localhost:port"),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.strip() == (
        "ConfigurationError True OLLAMA_HOST='http://localhost:port' is not a valid Ollama URL "
        "(the port is not a number from 0 to 65535); set it like http://localhost:11434 or "
        "unset it"
    )


def test_a_client_together_with_a_key_or_url_is_a_clear_error() -> None:
    import ollama

    with pytest.raises(UserError, match="either ollama_client or api_key/base_url"):
        OllamaModelProvider(api_key="k", ollama_client=ollama.AsyncClient())


async def test_local_and_cloud_models_share_one_provider_and_the_key_stays_in_the_cloud(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The `ollama` client would send OLLAMA_API_KEY to any host it talks to.
    monkeypatch.setenv("OLLAMA_API_KEY", CLOUD_KEY)
    with (
        FakeOllama([ollama_native.answer("local")]) as local,
        FakeOllama([ollama_native.answer("cloud")], pulled=("gpt-oss:120b",)) as cloud,
    ):
        provider = OllamaModelProvider(base_url=local.url, cloud_base_url=cloud.url)
        try:
            cloud_model = provider.get_model("gpt-oss:120b-cloud")
            local_model = provider.get_model("gpt-oss:20b")
            await call_model_once(cloud_model)
            await call_model_once(local_model)
            again = provider.get_model("gpt-oss:20b")
        finally:
            await provider.aclose()

    [cloud_request] = cloud.requests_to("/api/chat")
    [local_request] = local.requests_to("/api/chat")
    assert cloud_request.body["model"] == "gpt-oss:120b"  # The cloud's name, no suffix.
    assert cloud_request.headers["authorization"] == f"Bearer {CLOUD_KEY}"
    assert local_request.body["model"] == "gpt-oss:20b"
    assert "authorization" not in local_request.headers
    assert CLOUD_KEY not in json.dumps(local_request.body)
    assert isinstance(again, OllamaModel) and isinstance(local_model, OllamaModel)
    assert again.client is local_model.client  # One client per host, reused.


async def test_a_cloud_model_without_a_key_is_a_final_error() -> None:
    provider = OllamaModelProvider()

    with pytest.raises(ApplicationError, match="export OLLAMA_API_KEY") as raised:
        provider.get_model("gpt-oss:120b-cloud")
    assert raised.value.non_retryable


async def test_a_rejected_cloud_key_says_to_check_it_and_stays_masked() -> None:
    # The key is an argument, not OLLAMA_API_KEY: masking environment variables alone
    # would miss it.
    with FakeOllama([ollama_native.invalid_api_key()], pulled=("gpt-oss:120b",)) as cloud:
        provider = OllamaModelProvider(api_key=CLOUD_KEY, cloud_base_url=cloud.url)
        try:
            with pytest.raises(ApplicationError) as raised:
                await call_model_once(provider.get_model("gpt-oss:120b-cloud"))
        finally:
            await provider.aclose()

    assert raised.value.type == "ProviderAuthenticationFailed"
    assert raised.value.non_retryable
    assert "OLLAMA_API_KEY" in raised.value.message
    assert_key_masked(raised.value, CLOUD_KEY, "unauthorized: invalid API key '[redacted]'")


OPENAI_KEY = "sk-proj-router-test-key-0123456789"


async def test_a_rejected_openai_key_given_to_the_router_stays_masked() -> None:
    with FakeOpenAIResponses([openai_responses.invalid_api_key()]) as server:
        router = MultiModelProvider(openai_api_key=OPENAI_KEY, openai_base_url=f"{server.url}/v1")
        try:
            with pytest.raises(ApplicationError) as raised:
                await call_model_once(router.get_model("openai/gpt-4.1"))
        finally:
            await router.aclose()

    assert raised.value.type == "ProviderAuthenticationFailed"
    assert_key_masked(raised.value, OPENAI_KEY, "Incorrect API key provided: [redacted].")


async def test_the_key_of_a_given_openai_client_stays_masked() -> None:
    with FakeOpenAIResponses([openai_responses.invalid_api_key()]) as server:
        client = AsyncOpenAI(api_key=OPENAI_KEY, base_url=f"{server.url}/v1", max_retries=0)
        router = MultiModelProvider(openai_client=client)
        try:
            with pytest.raises(ApplicationError) as raised:
                await call_model_once(router.get_model("openai/gpt-4.1"))
        finally:
            await router.aclose()
            await client.close()

    assert_key_masked(raised.value, OPENAI_KEY, "Incorrect API key provided: [redacted].")


async def test_the_key_of_a_given_ollama_client_stays_masked() -> None:
    import ollama

    with FakeOllama([ollama_native.invalid_api_key()], pulled=("gpt-oss:120b",)) as cloud:
        client = ollama.AsyncClient(cloud.url, headers={"Authorization": f"Bearer {CLOUD_KEY}"})
        provider = OllamaModelProvider(ollama_client=client)
        try:
            with pytest.raises(ApplicationError) as raised:
                await call_model_once(provider.get_model("gpt-oss:120b"))
        finally:
            await provider.aclose()
            await client.close()  # type: ignore[no-untyped-call]

    assert_key_masked(raised.value, CLOUD_KEY, "unauthorized: invalid API key '[redacted]'")


def test_the_routers_ollama_key_is_masked_in_its_cloud_models_errors() -> None:
    router = MultiModelProvider(ollama_api_key=CLOUD_KEY)

    model = router.get_model("ollama/gpt-oss:120b-cloud")

    assert isinstance(model, OllamaModel)
    assert CLOUD_KEY in model.description.secrets
    assert CLOUD_KEY not in repr(model.description)  # Descriptions may be logged.


async def test_a_litellm_call_without_its_providers_key_fails_for_good_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # LiteLLM reports OpenAI's missing key as an HTTP 500, which would be retried in vain.
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    router = MultiModelProvider()

    with pytest.raises(ApplicationError) as raised:
        await call_model_once(router.get_model("litellm/openai/gpt-4.1"))
    await router.aclose()

    assert raised.value.type == "ProviderAuthenticationFailed"
    assert raised.value.non_retryable
    assert raised.value.message.startswith("openai/gpt-4.1 needs OPENAI_API_KEY: export")
