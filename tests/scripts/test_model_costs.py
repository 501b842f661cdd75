"""`ModelCosts` (support/model_costs.py) as the starters use it (support/usage.py): what is
local and costs $0, and what has no known price and is never guessed. The cost of a priced
model, from LiteLLM's offline map, is checked end to end
(tests/workflows/test_streaming_workflow.py)."""

from __future__ import annotations

import pytest

from openai_agents.model_providers.support.model_costs import ModelCosts, usage_line
from openai_agents.model_providers.support.usage import priced
from openai_agents.model_providers.workflows.answers import ModelUsage, add_usage


def price_of(model: str, **options: bool) -> tuple[float | None, str]:
    [record] = priced([ModelUsage(model, 1, 1000, 100)], **options)
    return record.cost_usd, record.pricing


@pytest.mark.parametrize(
    "model", ["ollama/gpt-oss:20b", "litellm/ollama/gpt-oss:20b", "ollama/qwen3:0.6b"]
)
def test_a_local_ollama_model_costs_nothing_and_says_local(model: str) -> None:
    assert price_of(model) == (0.0, "local")


@pytest.mark.parametrize(
    "model",
    [
        # LiteLLM's map prices every `ollama/` name at $0, Ollama Cloud's as well.
        "ollama/gpt-oss:120b-cloud",
        "openai/no-such-model",
        "litellm/anthropic/no-such-model",
        # A bare name the router's starter cannot place.
        "gpt-oss:20b",
    ],
)
def test_a_model_without_a_known_price_says_so_instead_of_a_guess(model: str) -> None:
    assert price_of(model) == (None, "no price known")


def test_a_server_of_your_own_costs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # The GPT-OSS sample's models are its Ollama's, except the ones Ollama sends to its cloud.
    assert price_of("gpt-oss:20b", self_hosted=True) == (0.0, "local")
    assert price_of("gpt-oss:120b-cloud", self_hosted=True) == (None, "no price known")
    # An OpenAI-compatible server on this machine (the bundled llama-server, vLLM).
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")
    assert price_of("openai/smollm2:135m") == (0.0, "local")
    assert price_of("litellm/openai/smollm2:135m") == (0.0, "local")
    monkeypatch.setenv("OPENAI_BASE_URL", "https://models.example.com/v1")
    assert price_of("openai/smollm2:135m") == (None, "no price known")


@pytest.mark.parametrize("base_url", [None, "https://api.openai.com/v1"])
def test_an_openai_model_on_openais_api_is_priced_from_the_map(
    monkeypatch: pytest.MonkeyPatch, base_url: str | None
) -> None:
    if base_url:
        monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    for model in ("openai/gpt-4.1", "litellm/openai/gpt-4.1"):
        cost, pricing = price_of(model)
        assert cost and pricing == "USD from LiteLLM's cost map", model


@pytest.mark.parametrize(
    "base_url",
    # vLLM on another machine of the network; a hosted OpenAI-compatible service.
    ["http://10.0.0.5:8000/v1", "https://models.example.com/api/v1"],
)
def test_an_openai_model_on_another_server_has_no_known_price_not_openais(
    monkeypatch: pytest.MonkeyPatch, base_url: str
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    assert price_of("openai/gpt-4.1") == (None, "no price known")
    assert price_of("litellm/openai/gpt-4.1") == (None, "no price known")


def test_ollama_models_on_ollama_cloud_have_no_known_price(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # OLLAMA_HOST on Ollama's cloud: every model is the cloud's, whatever its name.
    monkeypatch.setenv("OLLAMA_HOST", "https://ollama.com")
    assert price_of("ollama/gpt-oss:20b") == (None, "no price known")
    assert price_of("litellm/ollama/gpt-oss:20b") == (None, "no price known")
    assert price_of("gpt-oss:20b", self_hosted=True) == (None, "no price known")
    # Ollama on another machine of your own is still yours.
    monkeypatch.setenv("OLLAMA_HOST", "http://10.0.0.5:11434")
    assert price_of("ollama/gpt-oss:20b") == (0.0, "local")


def test_a_price_of_your_own_comes_before_the_map() -> None:
    costs = ModelCosts(prices={"openai/gpt-4.1": (1e-6, 2e-6)})
    [record] = costs.priced([ModelUsage("openai/gpt-4.1", 3, 1000, 100)])
    assert record.pricing == "USD at the given price"
    assert record.cost_usd == pytest.approx(1000 * 1e-6 + 100 * 2e-6)


def test_calls_whose_provider_reported_no_tokens_are_said_to_be_so_not_counted_as_zero() -> None:
    records: list[ModelUsage] = []
    add_usage(records, "ollama/gpt-oss:20b", 42, 7)
    add_usage(records, "ollama/gpt-oss:20b", 0, 0)  # A server that sent no usage.
    add_usage(records, "openai/no-such-model", 0, 0)
    assert usage_line(ModelCosts().priced(records)).splitlines()[0] == (
        "Usage: ollama/gpt-oss:20b: 2 calls, 42 in + 7 out tokens (1 of them reported none), "
        "$0 (local); openai/no-such-model: 1 call, no tokens reported, no price known"
    )


def test_a_priced_model_whose_calls_reported_no_tokens_has_no_price_not_zero() -> None:
    records: list[ModelUsage] = []
    add_usage(records, "openai/gpt-4.1", 0, 0)  # A server that sent no usage.
    assert usage_line(ModelCosts().priced(records)) == (
        "Usage: openai/gpt-4.1: 1 call, no tokens reported, no price known"
    )
