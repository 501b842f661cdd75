"""The warning filters in pyproject.toml: this project's warnings fail, third-party noise not."""

import warnings

import pydantic
import pytest
from typing_extensions import ReadOnly, TypedDict


class _Payload(TypedDict):
    name: ReadOnly[str]


@pytest.mark.parametrize(
    "module",
    [
        "openai_agents.model_providers.providers.ollama_native.provider",
        "testkit.real_model",
        "tests.conftest",
        "bench.suite",
    ],
)
def test_a_warning_raised_in_this_projects_code_fails_the_test(module: str) -> None:
    with pytest.raises(UserWarning, match="something to fix"):
        warnings.warn_explicit("something to fix", UserWarning, f"{module}.py", 1, module=module)


def test_a_warning_raised_in_a_third_party_module_is_only_recorded() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn_explicit("theirs", UserWarning, "worker.py", 1, module="temporalio.worker")
    assert [str(warning.message) for warning in caught] == ["theirs"]


def test_pydantics_readonly_qualifier_warning_is_filtered_out() -> None:
    with warnings.catch_warnings(record=True) as unfiltered:
        warnings.simplefilter("always")
        pydantic.TypeAdapter(_Payload)
    assert any("ReadOnly" in str(warning.message) for warning in unfiltered)

    with warnings.catch_warnings(record=True) as filtered:
        pydantic.TypeAdapter(_Payload)
    assert filtered == []


def test_litellms_unawaited_coroutine_is_ignored_wherever_the_collector_found_it() -> None:
    message = (
        "coroutine 'AnthropicChatCompletion.completion.<locals>.acompletion_dispatch' "
        "was never awaited"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn_explicit(message, RuntimeWarning, "bench/suite.py", 1, module="bench.suite")
    assert caught == []
