"""Conversions between the Agents SDK's types and Ollama's native `/api/chat` types.

No I/O here: `provider.py` does the transport. Request side: SDK input items, tools,
handoffs and `ModelSettings` become an `OllamaChatRequest`. Reply side: an Ollama
message becomes the SDK's typed output items and `Usage`.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import uuid
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import ollama
from agents import (
    AgentOutputSchemaBase,
    FunctionTool,
    Handoff,
    ModelSettings,
    Tool,
    TResponseInputItem,
    Usage,
    UserError,
)
from agents.items import TResponseOutputItem
from openai.types.chat import ChatCompletionToolParam
from openai.types.responses import (
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseReasoningItem,
)
from openai.types.responses.response_reasoning_item import Content
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails

from .._library_internals import FAKE_RESPONSES_ID, ChatCompletionsConverter

logger = logging.getLogger(__name__)

OLLAMA_REQUEST_ARGS = frozenset({"keep_alive"})
"""`ModelSettings.extra_args` keys that are `chat()` arguments; every other key is an
Ollama model option (num_ctx, seed, stop, top_k, …)."""

_GPT_OSS_THINK_LEVELS = {
    # gpt-oss always thinks: it takes only low/medium/high and ignores `think: false`.
    # Less than "low" is therefore "low", the closest level it accepts.
    "none": "low",
    "minimal": "low",
    "low": "low",
    "medium": "medium",
    "high": "high",
}
"""`reasoning.effort` as gpt-oss's `think` level; a larger effort than it knows is "high"."""


@dataclass
class OllamaChatRequest:
    """Everything `ollama.AsyncClient.chat` is called with, except the model and `stream`."""

    messages: list[ollama.Message]
    tools: list[ollama.Tool] = field(default_factory=list)
    think: bool | str | None = None
    format: str | dict[str, Any] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    keep_alive: float | str | None = None

    def chat_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `chat`, empty lists and options left out."""
        return {
            "messages": self.messages,
            "tools": self.tools or None,
            "think": self.think,
            "format": self.format,
            "options": self.options or None,
            "keep_alive": self.keep_alive,
        }


def build_chat_request(
    model: str,
    system_instructions: str | None,
    input: str | list[TResponseInputItem],
    model_settings: ModelSettings,
    tools: list[Tool],
    output_schema: AgentOutputSchemaBase | None,
    handoffs: list[Handoff],
) -> OllamaChatRequest:
    messages = (
        [ollama.Message(role="system", content=system_instructions)] if system_instructions else []
    )
    messages.extend(items_to_messages(input))
    ollama_tools = [tool_to_ollama(tool) for tool in tools]
    ollama_tools += [
        _as_ollama_tool(ChatCompletionsConverter.convert_handoff_tool(h)) for h in handoffs
    ]
    if model_settings.tool_choice == "none":
        # Ollama has no tool_choice; a model that is shown no tools cannot call one.
        ollama_tools = []
    elif model_settings.tool_choice not in (None, "auto"):
        logger.warning(
            "Ollama cannot force a tool call; ignoring tool_choice=%r", model_settings.tool_choice
        )
    extra_args = dict(model_settings.extra_args or {})
    return OllamaChatRequest(
        messages=messages,
        tools=ollama_tools,
        think=_think(model, model_settings),
        format=(
            output_schema.json_schema()
            if output_schema is not None and not output_schema.is_plain_text()
            else None
        ),
        options=_options(model_settings, extra_args),
        keep_alive=extra_args.get("keep_alive"),
    )


def _options(settings: ModelSettings, extra_args: Mapping[str, Any]) -> dict[str, Any]:
    options = {
        "temperature": settings.temperature,
        "top_p": settings.top_p,
        "num_predict": settings.max_tokens,
        "frequency_penalty": settings.frequency_penalty,
        "presence_penalty": settings.presence_penalty,
    }
    options.update({k: v for k, v in extra_args.items() if k not in OLLAMA_REQUEST_ARGS})
    return {name: value for name, value in options.items() if value is not None}


def _think(model: str, settings: ModelSettings) -> bool | str | None:
    """`reasoning.effort` as Ollama's `think`: levels for gpt-oss, on/off for others.

    Without an effort the model's own default applies.
    """
    effort = settings.reasoning.effort if settings.reasoning else None
    if effort is None:
        return None
    if "gpt-oss" in model:
        return _GPT_OSS_THINK_LEVELS.get(effort, "high")
    return effort != "none"


# --- Input items -> Ollama messages ------------------------------------------------------


def items_to_messages(input: str | Iterable[TResponseInputItem]) -> list[ollama.Message]:
    """The conversation as Ollama messages.

    - developer messages become system messages (Ollama has no developer role);
    - consecutive function calls join one assistant message, as the model produced them;
    - a function call output becomes a `tool` message named after its call's tool;
    - a reasoning item is sent back as `thinking` on the assistant message that follows it,
      because gpt-oss's chat template expects its chain of thought alongside the tool
      calls it led to. Reasoning with no assistant message after it is dropped.
    """
    if isinstance(input, str):
        return [ollama.Message(role="user", content=input)]
    messages = _Messages()
    for raw_item in input:
        item = _as_dict(raw_item)
        kind = item.get("type", "message")
        if kind == "message" and item.get("role") == "assistant":
            messages.assistant_text(_text_of(item.get("content")))
        elif kind == "message":
            messages.add(_input_message(item))
        elif kind == "function_call":
            messages.function_call(item)
        elif kind == "function_call_output":
            messages.function_call_output(item)
        elif kind == "reasoning":
            messages.reasoning(_reasoning_text(item))
        else:
            raise UserError(
                f"Ollama cannot take a {kind!r} input item: it supports messages, function "
                "calls and their outputs; remove hosted tools from the agent, or use an "
                "OpenAI Responses model for them"
            )
    return messages.messages


class _Messages:
    """Ollama messages being built from SDK input items, in order.

    An assistant message stays open while the model's function calls follow it (they join
    it), and reasoning waits for the assistant message it belongs to.
    """

    def __init__(self) -> None:
        self.messages: list[ollama.Message] = []
        self._tool_names: dict[str, str] = {}  # call id -> the tool it called
        self._open_assistant: ollama.Message | None = None
        self._pending_thinking: str | None = None

    def add(self, message: ollama.Message) -> None:
        """A message of its own: whatever was open is closed, waiting reasoning dropped."""
        self._open_assistant, self._pending_thinking = None, None
        self.messages.append(message)

    def assistant_text(self, text: str) -> None:
        """A new assistant message; reasoning just before it belongs to it."""
        self._open_assistant = None
        self._assistant().content = text

    def function_call(self, item: Mapping[str, Any]) -> None:
        self._tool_names[item["call_id"]] = item["name"]
        message = self._assistant()
        call = ollama.Message.ToolCall(
            function=ollama.Message.ToolCall.Function(
                name=item["name"], arguments=_arguments(item.get("arguments"))
            )
        )
        message.tool_calls = [*(message.tool_calls or []), call]

    def function_call_output(self, item: Mapping[str, Any]) -> None:
        text, images = _text_and_images(item.get("output"))
        tool_name = self._tool_names.get(item["call_id"])
        self.add(
            ollama.Message(role="tool", content=text, images=images or None, tool_name=tool_name)
        )

    def reasoning(self, text: str) -> None:
        self._open_assistant = None
        self._pending_thinking = text or None

    def _assistant(self) -> ollama.Message:
        """The open assistant message, opened (with any waiting reasoning) if none is."""
        if self._open_assistant is None:
            self._open_assistant = ollama.Message(
                role="assistant", content="", thinking=self._pending_thinking
            )
            self.messages.append(self._open_assistant)
            self._pending_thinking = None
        return self._open_assistant


def _as_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, dict):
        return item
    if hasattr(item, "model_dump"):  # A typed item instead of its dict form.
        return dict(item.model_dump(exclude_unset=True))
    raise UserError(f"Ollama cannot take an input item of type {type(item).__name__}")


def _input_message(item: Mapping[str, Any]) -> ollama.Message:
    role = item.get("role")
    if role not in ("user", "system", "developer"):
        raise UserError(f"Ollama cannot take a message with role {role!r}")
    text, images = _text_and_images(item.get("content"))
    if images and role != "user":
        raise UserError(f"Ollama takes images only in user messages, not {role} messages")
    return ollama.Message(
        role="system" if role == "developer" else str(role),
        content=text,
        images=images or None,
    )


def _text_and_images(content: Any) -> tuple[str, list[ollama.Image]]:
    """Text and image parts; anything else (files, audio) is a clear error."""
    if content is None:
        return "", []
    if isinstance(content, str):
        return content, []
    texts: list[str] = []
    images: list[ollama.Image] = []
    for part in content:
        part = _as_dict(part)
        kind = part.get("type")
        if kind in ("input_text", "output_text", "text"):
            texts.append(str(part.get("text", "")))
        elif kind == "refusal":
            texts.append(str(part.get("refusal", "")))
        elif kind == "input_image":
            images.append(_image(part))
        else:
            raise UserError(f"Ollama cannot take {kind!r} content; send text or images")
    return "\n".join(texts), images


def _text_of(content: Any) -> str:
    text, _images = _text_and_images(content)
    return text


def _image(part: Mapping[str, Any]) -> ollama.Image:
    """An `input_image` as raw bytes, which the client base64-encodes itself.

    Bytes rather than the base64 string: the client reads a string that names an
    existing file as a path to that file.
    """
    url = part.get("image_url")
    if not isinstance(url, str) or not url:
        raise UserError(
            "Ollama needs image data: give input_image an image_url with a data URL "
            "(data:image/png;base64,...) instead of a file_id"
        )
    if url.startswith(("http://", "https://")):
        raise UserError(
            "Ollama cannot fetch images by URL: send the image as a data URL "
            "(data:image/png;base64,...) instead"
        )
    encoded = url.partition(",")[2] if url.startswith("data:") else url
    try:
        return ollama.Image(value=base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError) as error:
        raise UserError("an input_image is neither a base64 data URL nor base64 data") from error


def _arguments(raw: Any) -> dict[str, Any]:
    """Tool-call arguments as the dict Ollama expects (the SDK keeps a JSON string)."""
    if isinstance(raw, dict):
        return raw
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as error:
        raise UserError(f"tool-call arguments are not JSON: {raw[:80]!r}") from error
    if not isinstance(parsed, dict):
        raise UserError(f"tool-call arguments are not a JSON object: {raw[:80]!r}")
    return parsed


def _reasoning_text(item: Mapping[str, Any]) -> str:
    parts = list(item.get("content") or []) or list(item.get("summary") or [])
    return "\n".join(str(_as_dict(part).get("text", "")) for part in parts)


# --- Tools -------------------------------------------------------------------------------


def tool_to_ollama(tool: Tool) -> ollama.Tool:
    if not isinstance(tool, FunctionTool):
        raise UserError(
            f"Ollama supports only function tools, not {type(tool).__name__}: remove it "
            "from the agent, or use an OpenAI Responses model for hosted tools"
        )
    return _as_ollama_tool(ChatCompletionsConverter.tool_to_openai(tool))


def _as_ollama_tool(tool: ChatCompletionToolParam) -> ollama.Tool:
    """A Chat Completions tool definition as an `ollama.Tool` whose arguments keep their
    whole JSON schema on the wire.

    Two things stand between an argument's schema and the model:
    - pydantic describes a model-typed argument by `$ref` into `$defs`, which Ollama's
      server does not resolve: references are inlined (see `_self_contained`);
    - the `ollama` client validates `tools` into its `Tool` type, whose per-argument
      `Property` keeps only type, items, description and enum. A nested model's
      `properties` and `required`, an `anyOf`, a dict's `additionalProperties` would be
      dropped, although Ollama's server reads `anyOf` (since 0.11.3) and nested
      properties (since 0.13.5); see ollama/ollama-python#724. So the parameters are
      built with `model_construct`, which skips validation: the client passes a `Tool`
      instance through unchanged, and pydantic serialises the plain dicts it finds as
      they are. It also warns that they are not `Property` objects;
      `_ignore_the_warning_about_plain_properties` silences exactly that warning.
    """
    _ignore_the_warning_about_plain_properties()
    function = tool["function"]
    parameters = _self_contained(dict(function.get("parameters") or {}))
    return ollama.Tool(
        type="function",
        function=ollama.Tool.Function(
            name=function["name"],
            description=function.get("description"),
            parameters=ollama.Tool.Function.Parameters.model_construct(
                type="object",
                properties=parameters.get("properties") or {},
                required=parameters.get("required"),
                # Sent only for the references that could not be inlined.
                defs=parameters.get("$defs") if _references_in(parameters) else None,
            ),
        ),
    )


# Keywords whose values are schemas, or lists or maps of schemas. Only these are walked,
# so that a property *named* `$ref` or `anyOf`, or an enum value, is never taken for one.
# Definitions (`$defs`) are not walked: they are sent as they are, when at all.
_SCHEMA_KEYWORDS = ("items", "additionalProperties", "not", "contains")
_SCHEMA_LIST_KEYWORDS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties")
_DEFINITIONS = ("$defs", "definitions")


def _self_contained(root: dict[str, Any]) -> dict[str, Any]:
    """`root` with each local `$ref` replaced by the schema it names, and optional values
    in the shape every Ollama version reads (`_nullable_as_type_list`).

    A reference back into a schema that is being inlined (a recursive model, such as a
    tree) stays a reference: inlining it would never end. It resolves against `$defs`,
    which is then sent too.
    """

    def walk(schema: Any, inlining: frozenset[str]) -> Any:
        if not isinstance(schema, dict):
            return schema
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/") and ref not in inlining:
            target = _resolve(root, ref)
            if isinstance(target, dict):
                # Keywords beside the reference (an argument's description) win over the
                # definition's own.
                siblings = {k: v for k, v in schema.items() if k != "$ref"}
                return walk({**target, **siblings}, inlining | {ref})
        walked = dict(schema)
        for key in _SCHEMA_KEYWORDS:
            if key in walked:
                walked[key] = walk(walked[key], inlining)
        for key in _SCHEMA_LIST_KEYWORDS:
            if isinstance(walked.get(key), list):
                walked[key] = [walk(branch, inlining) for branch in walked[key]]
        for key in _SCHEMA_MAP_KEYWORDS:
            if isinstance(walked.get(key), dict):
                walked[key] = {name: walk(s, inlining) for name, s in walked[key].items()}
        return _nullable_as_type_list(walked)

    self_contained: dict[str, Any] = walk(root, frozenset())
    return self_contained


def _resolve(root: Mapping[str, Any], ref: str) -> Any:
    """The value a local reference (`#/` and a JSON pointer) names in `root`, or None."""
    target: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, Mapping) or part not in target:
            return None
        target = target[part]
    return target


def _references_in(schema: Any) -> bool:
    """Whether a `$ref` is left in `schema`, outside its definitions."""
    if isinstance(schema, dict):
        return isinstance(schema.get("$ref"), str) or any(
            _references_in(value) for key, value in schema.items() if key not in _DEFINITIONS
        )
    if isinstance(schema, list):
        return any(_references_in(value) for value in schema)
    return False


def _nullable_as_type_list(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional value, `anyOf: [X, {type: null}]`, as X with `type: [X's type, "null"]`.

    Ollama's server reads a type list since 0.6.6, `anyOf` only since 0.11.3. `anyOf`
    stays where the branches are not that simple (several object shapes, say).
    """
    branches = schema.get("anyOf")
    if not isinstance(branches, list) or {"type": "null"} not in branches:
        return schema
    others = [b for b in branches if b != {"type": "null"}]
    if not all(isinstance(b, dict) and isinstance(b.get("type"), str) for b in others):
        return schema
    siblings = {k: v for k, v in schema.items() if k != "anyOf"}
    if all(set(b) == {"type"} for b in others):  # `str | int | None` and the like
        return {**siblings, "type": [b["type"] for b in branches]}
    if len(others) == 1:  # `Model | None`: the model's schema, with null allowed
        return {**others[0], **siblings, "type": [others[0]["type"], "null"]}
    return schema


def _ignore_the_warning_about_plain_properties() -> None:
    """Silence pydantic's warning about the plain-dict properties `_as_ollama_tool` sends.

    Each tool's serialisation would warn "Expected `Property` - serialized value may not
    be as expected", one line per argument; the value is exactly as intended. The filter
    matches a warning only if each of its lines is about ollama's `Property` type in a
    field named `properties`, so any other serializer warning still shows.

    Called for every tool rather than once at import: test runners and
    `warnings.catch_warnings` reset the filter list, and adding the same filter again
    replaces it instead of piling up.
    """
    about_a_property = (
        r"\n\s*PydanticSerializationUnexpectedValue\(Expected `Property` - serialized value "
        r"may not be as expected \[field_name='properties', [^\n]*\)"
    )
    warnings.filterwarnings(
        "ignore",
        message=rf"Pydantic serializer warnings:({about_a_property})+\Z",
        category=UserWarning,
    )


# --- Ollama reply -> SDK output ----------------------------------------------------------


def new_call_id() -> str:
    """A tool-call id for the SDK, which needs one unique per run; Ollama sends none."""
    return f"call_{uuid.uuid4().hex[:24]}"


def reasoning_item(thinking: str) -> ResponseReasoningItem:
    return ResponseReasoningItem(
        id=FAKE_RESPONSES_ID,
        summary=[],
        content=[Content(text=thinking, type="reasoning_text")],
        type="reasoning",
    )


def message_item(text: str) -> ResponseOutputMessage:
    return ResponseOutputMessage(
        id=FAKE_RESPONSES_ID,
        content=[ResponseOutputText(text=text, annotations=[], type="output_text", logprobs=[])],
        role="assistant",
        status="completed",
        type="message",
    )


def function_call_item(call: ollama.Message.ToolCall) -> ResponseFunctionToolCall:
    return ResponseFunctionToolCall(
        id=FAKE_RESPONSES_ID,
        call_id=new_call_id(),
        name=call.function.name,
        arguments=json.dumps(dict(call.function.arguments)),
        type="function_call",
        status="completed",
    )


def output_items(message: ollama.Message) -> list[TResponseOutputItem]:
    """Thinking, text and every tool call of a reply, in that order; all kept."""
    items: list[TResponseOutputItem] = []
    if message.thinking:
        items.append(reasoning_item(message.thinking))
    if message.content:
        items.append(message_item(message.content))
    items.extend(function_call_item(call) for call in message.tool_calls or [])
    return items


def usage_of(reply: ollama.ChatResponse) -> Usage:
    """Token counts of one call; Ollama sends them with the final (`done`) reply."""
    input_tokens = reply.prompt_eval_count or 0
    output_tokens = reply.eval_count or 0
    return Usage(
        requests=1,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
        input_tokens_details=InputTokensDetails(cached_tokens=0, cache_write_tokens=0),
        output_tokens_details=OutputTokensDetails(reasoning_tokens=0),
    )


class ReplyTruncated(Exception):
    """Ollama's sign that a reply stopped at its token limit: reported by `OllamaModel` as
    `ModelOutputTruncated`."""

    def __init__(self, limit: int | None) -> None:
        super().__init__(
            "done_reason=length; or the context is full: raise num_ctx with "
            "extra_args={'num_ctx': ...}"
        )
        self.limit = limit


def raise_if_truncated(reply: ollama.ChatResponse, limit: int | None) -> None:
    """A reply cut off at the token limit (`limit`, the request's `num_predict`) is not an
    answer: fail."""
    if reply.done_reason == "length":
        raise ReplyTruncated(limit)
