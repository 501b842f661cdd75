"""`MultiModelProvider` and `OllamaModelProvider`: which backend and host serve a name,
and which credentials go where."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
from agents import OpenAIChatCompletionsModel, OpenAIResponsesModel, UserError
from agents.extensions.models.litellm_model import LitellmModel
from temporalio.exceptions import ApplicationError

from openai_agents.model_providers.provider_errors import ActionableErrorsModel
from openai_agents.model_providers.providers import (
    MultiModelProvider,
    MultiModelProviderMap,
    OllamaModel,
    OllamaModelProvider,
)
from tests.fakes import ollama_native
from tests.fakes.ollama_native import FakeOllama
from tests.helpers import call_model_once

CLOUD_KEY = "ollama-cloud-test-key"


@pytest.fixture
async def router() -> AsyncIterator[MultiModelProvider]:
    provider = MultiModelProvider(openai_api_key="sk-test", ollama_base_url="http://ollama:11434")
    yield provider
    await provider.aclose()


def unwrapped(model: object) -> object:
    """The backend's own model inside the actionable-errors wrapper."""
    return model._inner if isinstance(model, ActionableErrorsModel) else model


@pytest.mark.parametrize(
    ("name", "backend", "backend_model"),
    [
        ("ollama/gpt-oss:20b", OllamaModel, "gpt-oss:20b"),
        ("ollama/hf.co/org/model:Q4_K_M", OllamaModel, "hf.co/org/model:Q4_K_M"),
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


def test_bare_names_go_to_the_configured_default() -> None:
    router = MultiModelProvider(default_prefix="ollama")

    assert isinstance(router.get_model("gpt-oss:20b"), OllamaModel)


def test_a_mapped_prefix_wins_over_the_built_in(router: MultiModelProvider) -> None:
    mine = OllamaModelProvider(base_url="http://gpu-box:11434")
    provider_map = MultiModelProviderMap()
    provider_map.add_provider("openai", mine)
    provider_map.add_provider("gpu", mine)
    routed = MultiModelProvider(provider_map=provider_map)

    assert isinstance(routed.get_model("openai/gpt-oss:20b"), OllamaModel)
    assert isinstance(routed.get_model("gpu/llama3"), OllamaModel)
    assert provider_map.has_prefix("gpu") and provider_map.get_provider("gpu") is mine
    provider_map.remove_provider("gpu")
    provider_map.remove_provider("gpu")  # Forgiving, as in timestep.
    assert set(provider_map.get_mapping()) == {"openai"}


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


def test_timesteps_argument_names_still_work() -> None:
    router = MultiModelProvider(
        None, "sk-test", "http://localhost:8000/v1", None, "org", "proj", False
    )

    model = unwrapped(router.get_model("gpt-4.1"))

    assert isinstance(model, OpenAIChatCompletionsModel)


def test_routing_to_ollama_never_imports_litellm() -> None:
    # A fresh interpreter: this test process has imported LiteLLM elsewhere.
    code = (
        "import sys\n"
        "from openai_agents.model_providers.providers import MultiModelProvider\n"
        "MultiModelProvider().get_model('ollama/gpt-oss:20b')\n"
        "print('litellm' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "False"


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


async def test_a_rejected_cloud_key_says_to_check_it() -> None:
    with FakeOllama([ollama_native.fail(401, "unauthorized")], pulled=("gpt-oss:120b",)) as cloud:
        provider = OllamaModelProvider(api_key="wrong", cloud_base_url=cloud.url)
        with pytest.raises(ApplicationError) as raised:
            await call_model_once(provider.get_model("gpt-oss:120b-cloud"))
        await provider.aclose()

    assert raised.value.type == "ProviderAuthenticationFailed"
    assert raised.value.non_retryable
    assert "OLLAMA_API_KEY" in raised.value.message
    assert "wrong" not in raised.value.message
