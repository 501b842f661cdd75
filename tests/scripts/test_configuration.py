"""Settings parsed from the environment and the command line."""

from __future__ import annotations

from datetime import timedelta

import pytest

from openai_agents.model_providers.configuration import ConfigurationError, ModelCallPolicy
from openai_agents.model_providers.ollama_hosts import describe_ollama, ollama_host


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "http://localhost:11434"),
        ("localhost", "http://localhost:11434"),
        ("0.0.0.0:11500", "http://0.0.0.0:11500"),
        ("http://gpu-box:11434/", "http://gpu-box:11434"),
        ("https://ollama.example.com", "https://ollama.example.com"),
        ("[::1]:11434", "http://[::1]:11434"),
        (":11500", "http://127.0.0.1:11500"),
    ],
)
def test_ollama_host_accepts_what_ollama_accepts(value: str, expected: str) -> None:
    assert ollama_host({"OLLAMA_HOST": value}) == expected


@pytest.mark.parametrize(
    "value", ["not a url", "ftp://host", "http://", "host:port", "http://h:99999"]
)
def test_ollama_host_rejects_what_is_not_a_url(value: str) -> None:
    with pytest.raises(ConfigurationError, match="is not a valid Ollama URL"):
        ollama_host({"OLLAMA_HOST": value})


def test_model_call_policy_defaults_are_the_specified_ones() -> None:
    parameters = ModelCallPolicy().activity_parameters()
    assert parameters.start_to_close_timeout == timedelta(seconds=30)
    assert parameters.retry_policy is not None
    assert parameters.retry_policy.maximum_attempts == 5
    assert parameters.retry_policy.backoff_coefficient == 2.0


def test_the_client_gives_up_before_the_activity_times_out() -> None:
    def client_timeout(seconds: float) -> float:
        return ModelCallPolicy(timeout=timedelta(seconds=seconds)).request_timeout_seconds

    assert client_timeout(30) == 28.0
    assert client_timeout(10) == 9.0
    assert client_timeout(4) == 3.0
    assert client_timeout(1) == 0.5


@pytest.mark.parametrize(("timeout", "attempts"), [(timedelta(0), 3), (timedelta(seconds=30), 0)])
def test_model_call_policy_rejects_unbounded_or_empty_settings(
    timeout: timedelta, attempts: int
) -> None:
    with pytest.raises(ConfigurationError):
        ModelCallPolicy(timeout=timeout, max_attempts=attempts)


@pytest.mark.parametrize(
    "value",
    ["https://alice:s3cret-token@ollama.internal:99999", "alice:s3cret-token@ollama.internal:x"],
)
def test_credentials_in_ollama_host_stay_out_of_messages(value: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        ollama_host({"OLLAMA_HOST": value})
    assert "s3cret-token" not in str(raised.value)
    assert "ollama.internal" in str(raised.value)


def test_the_described_ollama_location_has_no_credentials() -> None:
    location = describe_ollama("https://alice:s3cret-token@ollama.internal:443").location
    assert location == "https://ollama.internal:443"


def test_credentials_in_a_litellm_base_url_stay_out_of_messages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openai_agents.model_providers.litellm_backend import describe_litellm

    monkeypatch.setenv(
        "ANTHROPIC_BASE_URL", "https://bob:hunter2@proxy.example.com/anthropic?key=token-in-query"
    )
    description = describe_litellm("anthropic/claude-sonnet-4-5")
    assert description.location == "https://proxy.example.com/anthropic"
    # LiteLLM prefers ANTHROPIC_API_BASE, so the message names the server it really used.
    monkeypatch.setenv("ANTHROPIC_API_BASE", "https://other.example.com")
    assert describe_litellm("anthropic/claude-sonnet-4-5").location == "https://other.example.com"
