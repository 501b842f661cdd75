"""Settings parsed from the environment and the command line."""

from __future__ import annotations

from datetime import timedelta

import pytest

from openai_agents.model_providers.configuration import ConfigurationError, ModelCallPolicy
from openai_agents.model_providers.ollama_openai_compat import ollama_host


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "http://localhost:11434"),
        ("localhost", "http://localhost:11434"),
        ("0.0.0.0:11500", "http://0.0.0.0:11500"),
        ("http://gpu-box:11434/", "http://gpu-box:11434"),
        ("https://ollama.example.com", "https://ollama.example.com"),
        ("[::1]:11434", "http://[::1]:11434"),
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
    assert ModelCallPolicy(timeout=timedelta(seconds=30)).request_timeout_seconds == 28.0
    assert ModelCallPolicy(timeout=timedelta(seconds=3)).request_timeout_seconds == pytest.approx(
        2.7
    )


@pytest.mark.parametrize(("timeout", "attempts"), [(timedelta(0), 3), (timedelta(seconds=30), 0)])
def test_model_call_policy_rejects_unbounded_or_empty_settings(
    timeout: timedelta, attempts: int
) -> None:
    with pytest.raises(ConfigurationError):
        ModelCallPolicy(timeout=timeout, max_attempts=attempts)
