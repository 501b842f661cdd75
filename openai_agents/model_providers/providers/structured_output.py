"""Typed answers checked in the model activity, where a bad one can still be retried.

An agent with an `output_type` asks its model for JSON of that type's schema; each backend
passes the schema on as its API takes it (Ollama's `format`, an OpenAI-compatible
`response_format`, LiteLLM's translation). Servers that enforce it with a grammar always
answer in it; others, or a model that ignores it (gpt-oss on some Ollama versions), may
not. The Agents SDK finds out only in the workflow, where a bad answer is recorded history:
it fails the run at once, and no retry could change it. Checked here instead, it fails the
model call, which Temporal retries (a model at any temperature may answer well next time),
bounded by the retry policy.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import Any, TypeGuard

from agents import AgentOutputSchemaBase, ItemHelpers
from agents.items import TResponseOutputItem
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import best_match  # type: ignore[import-untyped]
from openai.types.responses import ResponseOutputMessage
from temporalio.exceptions import ApplicationError

from .classification import retry_note
from .failure_types import FailureType


def wants_structured_output(
    output_schema: AgentOutputSchemaBase | None,
) -> TypeGuard[AgentOutputSchemaBase]:
    return output_schema is not None and not output_schema.is_plain_text()


def check_structured_answer(
    output: Sequence[TResponseOutputItem],
    output_schema: AgentOutputSchemaBase | None,
    model_name: str,
) -> None:
    """Raise `ModelOutputInvalid` (retryable) if `output` is a final answer that does not
    validate against `output_schema`. Tool calls and handoffs are not answers: left alone."""
    if not wants_structured_output(output_schema):
        return
    messages = [item for item in output if isinstance(item, ResponseOutputMessage)]
    if not messages or any(item.type.endswith("call") for item in output):
        return
    text = ItemHelpers.extract_last_text(messages[-1]) or ""
    # The activity has the schema, not the type (the workflow has that): checked as JSON
    # Schema, which the SDK's pydantic check then passes.
    problem = _outside(output_schema.json_schema(), text)
    if problem is not None:
        raise ApplicationError(
            f"model '{model_name}' answered outside the {output_schema.name()} schema "
            f"({problem}){retry_note()}: the model or its server may not support "
            "structured output; try another model",
            type=FailureType.ModelOutputInvalid,
        )


def _outside(schema: dict[str, Any], text: str) -> str | None:
    """Why `text` is not JSON of `schema`, in a few words, or None."""
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as error:
        return f"not JSON: {error.msg} at character {error.pos}"
    invalid = best_match(Draft202012Validator(schema).iter_errors(answer))
    return None if invalid is None else f"{invalid.message[:150]} at {invalid.json_path}"


@contextlib.contextmanager
def schema_refusals(output_schema: AgentOutputSchemaBase | None, model_name: str) -> Iterator[None]:
    """Re-raise a classified failure inside the block that refused the request because of
    its output schema as one that says the model or server cannot do structured output
    (not retryable: the same schema is refused the same way)."""
    try:
        yield
    except ApplicationError as error:
        refused = error.type == FailureType.ProviderRejectedRequest and _mentions_schema(
            error.message
        )
        if not (refused and wants_structured_output(output_schema)):
            raise
        raise ApplicationError(
            f"{error.message}: it cannot answer model '{model_name}' in a JSON schema; "
            "choose a model or server that supports structured output, or an agent "
            "without output_type",
            type=FailureType.StructuredOutputUnsupported,
            non_retryable=True,
        ) from error.__cause__


# Where each API takes the output schema, as its errors name it (a tool's schema is named
# otherwise: "Invalid schema for function ...").
_OUTPUT_SCHEMA_PARAMETERS = ("response_format", "output_format", "text.format", "invalid format")


def _mentions_schema(message: str) -> bool:
    lowered = message.lower()
    return any(parameter in lowered for parameter in _OUTPUT_SCHEMA_PARAMETERS)
