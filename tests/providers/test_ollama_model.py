"""`OllamaModel` against a fake Ollama speaking the native `/api/chat` wire format, through
the real `ollama.AsyncClient`: what is sent, what comes back, streamed and not."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from typing import Any, Literal

import pytest
from agents import (
    Agent,
    AgentOutputSchema,
    Handoff,
    ModelResponse,
    ModelSettings,
    Runner,
    Tool,
    ToolOutputImage,
    ToolOutputText,
    TResponseInputItem,
    WebSearchTool,
    function_tool,
    handoff,
)
from agents.items import TResponseStreamEvent
from openai.types.responses import (
    ResponseCompletedEvent,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseReasoningItem,
)
from openai.types.shared import Reasoning, ReasoningEffort
from pydantic import BaseModel
from temporalio.exceptions import ApplicationError

from openai_agents.model_providers.providers.ollama_native.provider import (
    OllamaModel,
    OllamaModelProvider,
)
from openai_agents.model_providers.support.dev_server import free_local_port
from openai_agents.model_providers.workflows.shared import get_weather
from testkit.fakes import ollama_native
from testkit.fakes.http_server import Route
from testkit.fakes.ollama_native import PROMPT_TOKENS, REPLY_TOKENS, FakeOllama
from testkit.model_calls import model_call_arguments

MODEL = "gpt-oss:20b"
PNG = b"\x89PNG\r\n\x1a\nfake image bytes"


async def respond(
    model: OllamaModel,
    input: str | list[TResponseInputItem] = "What's the weather in Tokyo?",
    *,
    settings: ModelSettings | None = None,
    tools: list[Tool] | None = None,
    output_schema: AgentOutputSchema | None = None,
    handoffs: list[Handoff] | None = None,
    system: str | None = "You only respond in haikus.",
) -> ModelResponse:
    return await model.get_response(
        **model_call_arguments(
            input,
            system=system,
            settings=settings,
            tools=[get_weather] if tools is None else tools,
            output_schema=output_schema,
            handoffs=handoffs or [],
        )
    )


def stream(
    model: OllamaModel, input: str | list[TResponseInputItem] = "Weather in Tokyo?"
) -> AsyncIterator[TResponseStreamEvent]:
    return model.stream_response(
        **model_call_arguments(input, system="You only respond in haikus.", tools=[get_weather])
    )


async def stream_all(model: OllamaModel) -> list[TResponseStreamEvent]:
    return [event async for event in stream(model)]


@pytest.fixture
async def closing_providers() -> AsyncIterator[list[OllamaModelProvider]]:
    providers: list[OllamaModelProvider] = []
    yield providers
    for provider in providers:
        await provider.aclose()


Serve = Callable[..., tuple[FakeOllama, OllamaModel]]


@pytest.fixture
def serve(closing_providers: list[OllamaModelProvider]) -> Iterator[Serve]:
    """`serve(*steps)` -> (fake, model): a fake Ollama running `steps`, and a model on it."""
    fakes: list[FakeOllama] = []

    def start(*steps: Route, request_timeout_seconds: float = 5) -> tuple[FakeOllama, OllamaModel]:
        fake = FakeOllama(list(steps)).__enter__()
        fakes.append(fake)
        provider = OllamaModelProvider(
            base_url=fake.url, request_timeout_seconds=request_timeout_seconds
        )
        closing_providers.append(provider)
        model = provider.get_model(MODEL)
        assert isinstance(model, OllamaModel)
        return fake, model

    yield start
    for fake in fakes:
        fake.__exit__(None, None, None)


def text_of(response: ModelResponse) -> str:
    messages = [item for item in response.output if isinstance(item, ResponseOutputMessage)]
    return "".join(part.text for m in messages for part in m.content if part.type == "output_text")


def calls_in(output: list[Any]) -> list[ResponseFunctionToolCall]:
    return [item for item in output if isinstance(item, ResponseFunctionToolCall)]


# --- Requests ----------------------------------------------------------------------------


async def test_sends_instructions_prompt_and_tools_as_ollama_expects(serve: Serve) -> None:
    fake, model = serve(ollama_native.answer("Sunny skies"))

    await respond(model)

    [request] = fake.chat_requests
    assert request["model"] == MODEL
    assert request["stream"] is False
    assert request["messages"] == [
        {"role": "system", "content": "You only respond in haikus."},
        {"role": "user", "content": "What's the weather in Tokyo?"},
    ]
    [tool] = request["tools"]
    assert tool["function"]["name"] == "get_weather"
    assert tool["function"]["parameters"]["properties"]["city"]["type"] == "string"
    assert tool["function"]["parameters"]["required"] == ["city"]


async def test_a_later_turn_sends_tool_calls_results_and_thinking_back(serve: Serve) -> None:
    fake, model = serve(ollama_native.answer("Done"))
    turn_two: list[TResponseInputItem] = [
        {"role": "developer", "content": "Be brief."},
        {"role": "user", "content": "Weather in Tokyo and Paris?"},
        {"type": "reasoning", "id": "r1", "summary": [],
         "content": [{"type": "reasoning_text", "text": "I need two lookups."}]},
        {"type": "function_call", "call_id": "c1", "name": "get_weather",
         "arguments": '{"city": "Tokyo"}'},
        {"type": "function_call", "call_id": "c2", "name": "get_weather",
         "arguments": '{"city": "Paris"}'},
        {"type": "function_call_output", "call_id": "c1", "output": "Tokyo: sunny"},
        {"type": "function_call_output", "call_id": "c2", "output": "Paris: rain"},
    ]  # fmt: skip

    await respond(model, turn_two)

    assert fake.chat_requests[0]["messages"][1:] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Weather in Tokyo and Paris?"},
        {
            "role": "assistant",
            "thinking": "I need two lookups.",
            "tool_calls": [
                {"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}},
                {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
            ],
        },
        {"role": "tool", "content": "Tokyo: sunny", "tool_name": "get_weather"},
        {"role": "tool", "content": "Paris: rain", "tool_name": "get_weather"},
    ]


async def test_the_sdks_own_output_items_round_trip_as_the_next_turns_input(serve: Serve) -> None:
    fake, model = serve(
        ollama_native.call_tools(("get_weather", {"city": "Tokyo"}), content="Checking.",
                                 thinking="Look it up."),
        ollama_native.answer("Done"),
    )  # fmt: skip
    first = await respond(model)
    call = calls_in(first.output)[0]
    turn_two = [
        {"role": "user", "content": "Weather?"},
        *first.to_input_items(),
        {"type": "function_call_output", "call_id": call.call_id, "output": "sunny"},
    ]

    await respond(model, turn_two)  # type: ignore[arg-type]

    assert fake.chat_requests[1]["messages"][2:] == [
        {
            "role": "assistant",
            "content": "Checking.",
            "thinking": "Look it up.",
            "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}}],
        },
        {"role": "tool", "content": "sunny", "tool_name": "get_weather"},
    ]


@pytest.mark.parametrize(
    "image_url",
    [f"data:image/png;base64,{base64.b64encode(PNG).decode()}", base64.b64encode(PNG).decode()],
    ids=["data-url", "bare-base64"],
)
async def test_images_are_sent_as_base64_image_data(serve: Serve, image_url: str) -> None:
    fake, model = serve(ollama_native.answer("A cat"))
    message: TResponseInputItem = {
        "role": "user",
        "content": [
            {"type": "input_text", "text": "What is this?"},
            {"type": "input_image", "image_url": image_url, "detail": "auto"},
        ],
    }

    await respond(model, [message], tools=[])

    [request] = fake.chat_requests
    user = request["messages"][-1]
    assert user["content"] == "What is this?"
    assert [base64.b64decode(image) for image in user["images"]] == [PNG]


@function_tool
async def radar_map(city: str) -> list[ToolOutputText | ToolOutputImage]:
    """The weather radar over a city.

    Args:
        city: The city whose radar to show.
    """
    image = ToolOutputImage(image_url=f"data:image/png;base64,{base64.b64encode(PNG).decode()}")
    return [ToolOutputText(text=f"Radar over {city}"), image]


async def test_an_image_a_tool_returns_reaches_ollama_in_the_tool_message(serve: Serve) -> None:
    """The Agents SDK sends a tool's image in its `function_call_output`; Ollama reads it
    from the `images` of the tool message (dropping it would pass unnoticed otherwise)."""
    fake, model = serve(
        ollama_native.call_tool("radar_map", city="Tokyo"), ollama_native.answer("Rain")
    )
    agent = Agent(name="Assistant", model=model, tools=[radar_map])

    result = await Runner.run(agent, "Is rain coming to Tokyo?")

    assert result.final_output == "Rain"
    tool_message = fake.chat_requests[1]["messages"][-1]
    assert (tool_message["role"], tool_message["tool_name"]) == ("tool", "radar_map")
    assert tool_message["content"] == "Radar over Tokyo"
    assert [base64.b64decode(image) for image in tool_message["images"]] == [PNG]


UNSUPPORTED_INPUTS = [
    pytest.param(
        [{"role": "user", "content": [
            {"type": "input_image", "image_url": "https://example.com/cat.png", "detail": "auto"}
        ]}],
        [get_weather],
        r"cannot fetch images by URL: send the image as a data URL",
        id="image-by-web-url",
    ),
    pytest.param(
        [{"role": "user", "content": [{"type": "input_file", "file_id": "file-123"}]}],
        [get_weather],
        r"cannot take 'input_file' content; send text or images",
        id="file-input",
    ),
    pytest.param(
        [{"role": "user", "content": "Weather?"},
         {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{city"}],
        [get_weather],
        r"tool-call arguments are not JSON: '\{city'",
        id="non-json-tool-arguments",
    ),
    pytest.param(
        "Weather?",
        [get_weather, WebSearchTool()],
        r"only function tools, not WebSearchTool: remove it from the agent",
        id="hosted-tool",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("input", "tools", "message"), UNSUPPORTED_INPUTS)
async def test_input_ollama_cannot_take_is_a_final_one_line_error(
    serve: Serve, input: str | list[TResponseInputItem], tools: list[Tool], message: str
) -> None:
    fake, model = serve()

    with pytest.raises(ApplicationError, match=message) as raised:
        await respond(model, input, tools=tools)

    # Final: the same input fails the same way on every attempt.
    assert (raised.value.type, raised.value.non_retryable) == ("UnsupportedModelInput", True)
    assert "\n" not in raised.value.message
    assert fake.chat_requests == []


async def test_settings_become_ollama_options_think_and_keep_alive(serve: Serve) -> None:
    fake, model = serve(ollama_native.answer("ok"))
    settings = ModelSettings(
        temperature=0.2,
        top_p=0.9,
        max_tokens=256,
        reasoning=Reasoning(effort="high"),
        extra_args={"num_ctx": 8192, "seed": 7, "stop": ["\n\n"], "top_k": 20, "keep_alive": "10m"},
    )

    await respond(model, settings=settings)

    [request] = fake.chat_requests
    assert request["options"] == {
        "temperature": 0.2,
        "top_p": 0.9,
        "num_predict": 256,
        "num_ctx": 8192,
        "seed": 7,
        "stop": ["\n\n"],
        "top_k": 20,
    }
    assert request["think"] == "high"
    assert request["keep_alive"] == "10m"


async def test_reasoning_effort_switches_thinking_on_for_other_models(serve: Serve) -> None:
    fake, _model = serve(ollama_native.answer("ok"), ollama_native.answer("ok"))
    fake.pulled = ("qwen3:8b",)
    provider = OllamaModelProvider(base_url=fake.url)
    qwen = provider.get_model("qwen3:8b")
    assert isinstance(qwen, OllamaModel)

    await respond(qwen, settings=ModelSettings(reasoning=Reasoning(effort="low")))
    await respond(qwen, settings=ModelSettings(reasoning=Reasoning(effort="none")))
    await provider.aclose()

    assert [r["think"] for r in fake.chat_requests] == [True, False]


async def test_the_lowest_efforts_ask_gpt_oss_for_low_as_it_cannot_stop_thinking(
    serve: Serve,
) -> None:
    fake, model = serve(ollama_native.answer("ok"), ollama_native.answer("ok"))

    efforts: list[ReasoningEffort] = ["none", "minimal"]
    for effort in efforts:
        await respond(model, settings=ModelSettings(reasoning=Reasoning(effort=effort)))

    # gpt-oss takes only low/medium/high and ignores `false`: "low" is the least thinking.
    assert [r["think"] for r in fake.chat_requests] == ["low", "low"]


async def test_tool_choice_none_sends_no_tools(serve: Serve) -> None:
    fake, model = serve(ollama_native.answer("ok"))

    await respond(model, settings=ModelSettings(tool_choice="none"))

    assert not fake.chat_requests[0].get("tools")


async def test_handoffs_become_tools(serve: Serve) -> None:
    fake, model = serve(ollama_native.answer("ok"))
    expert = Agent(name="Weather expert", instructions="Answer weather questions.")

    await respond(model, handoffs=[handoff(expert)])

    names = [tool["function"]["name"] for tool in fake.chat_requests[0]["tools"]]
    assert names == ["get_weather", "transfer_to_weather_expert"]


class Place(BaseModel):
    """A city in a country."""

    city: str
    country: str


@function_tool
async def plan_trip(
    start: Place, stops: list[Place], unit: Literal["c", "f"], detour: Place | None = None
) -> str:
    """Plan a trip.

    Args:
        start: Where the trip starts.
        stops: The places on the way, in order.
        unit: The temperature unit for forecasts.
        detour: A place to visit if there is time.
    """
    return "planned"


@function_tool(strict_mode=False)  # A strict schema cannot describe a dict argument.
async def tally_votes(votes: dict[str, int]) -> str:
    """Count the votes.

    Args:
        votes: Votes per city.
    """
    return "counted"


def without_titles(schema: Any) -> Any:
    """`schema` without pydantic's `title` annotations, which are noise in a comparison."""
    if isinstance(schema, dict):
        return {
            key: without_titles(value)
            for key, value in schema.items()
            if not (key == "title" and isinstance(value, str))
        }
    if isinstance(schema, list):
        return [without_titles(value) for value in schema]
    return schema


async def test_tool_arguments_reach_ollama_with_their_full_structure(
    serve: Serve, recwarn: pytest.WarningsRecorder
) -> None:
    fake, model = serve(ollama_native.answer("ok"))

    await respond(model, tools=[plan_trip, tally_votes])

    # The `ollama` client's own tool type would have dropped most of this; the provider
    # gets it past that type without pydantic complaining in the worker's log.
    assert [str(w.message) for w in recwarn if "Pydantic" in str(w.message)] == []

    trip, tally = fake.chat_requests[0]["tools"]
    place = {
        "type": "object",
        "description": "A city in a country.",
        "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
        "required": ["city", "country"],
        "additionalProperties": False,
    }
    assert without_titles(trip["function"]["parameters"]) == {
        "type": "object",
        "required": ["start", "stops", "unit", "detour"],
        "properties": {
            "start": {**place, "description": "Where the trip starts."},
            "stops": {
                "type": "array",
                "description": "The places on the way, in order.",
                "items": place,
            },
            "unit": {
                "type": "string",
                "description": "The temperature unit for forecasts.",
                "enum": ["c", "f"],
            },
            # Optional: the model's own schema, with null allowed.
            "detour": {
                **place,
                "type": ["object", "null"],
                "description": "A place to visit if there is time.",
            },
        },
    }
    assert without_titles(tally["function"]["parameters"]) == {
        "type": "object",
        "required": ["votes"],
        "properties": {
            "votes": {
                "type": "object",
                "description": "Votes per city.",
                "additionalProperties": {"type": "integer"},
            },
        },
    }


class Folder(BaseModel):
    name: str
    subfolders: list[Folder]


@function_tool
async def archive(folder: Folder) -> str:
    """Archive a folder tree."""
    return "archived"


def resolve(root: dict[str, Any], ref: str) -> Any:
    """The schema a local `$ref` (`#/...`, a JSON pointer) points to inside `root`."""
    assert ref.startswith("#/"), ref
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target


def refs_in(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        own = [schema["$ref"]] if isinstance(schema.get("$ref"), str) else []
        return own + [ref for value in schema.values() for ref in refs_in(value)]
    if isinstance(schema, list):
        return [ref for value in schema for ref in refs_in(value)]
    return []


async def test_a_recursive_argument_is_described_with_references_that_resolve(
    serve: Serve,
) -> None:
    fake, model = serve(ollama_native.answer("ok"))

    await respond(model, tools=[archive])

    parameters = fake.chat_requests[0]["tools"][0]["function"]["parameters"]
    folder = parameters["properties"]["folder"]
    assert folder["type"] == "object"
    assert set(folder["properties"]) == {"name", "subfolders"}
    assert folder["required"] == ["name", "subfolders"]
    # Inlining a tree would never end: the repetition stays a reference, to a definition
    # sent in the same request.
    assert set(refs_in(folder)) == set(refs_in(parameters)) == {"#/$defs/Folder"}
    assert set(resolve(parameters, "#/$defs/Folder")["properties"]) == {"name", "subfolders"}


class Forecast(BaseModel):
    city: str
    summary: str


async def test_structured_output_sends_the_json_schema_as_format(serve: Serve) -> None:
    answer = Forecast(city="Tokyo", summary="sunny").model_dump_json()
    fake, model = serve(ollama_native.answer(answer))
    schema = AgentOutputSchema(Forecast)

    response = await respond(model, output_schema=schema, tools=[])

    assert fake.chat_requests[0]["format"] == schema.json_schema()
    assert schema.validate_json(text_of(response)) == Forecast(city="Tokyo", summary="sunny")


@pytest.mark.parametrize(
    "scripted", ["Sunny in Tokyo", '{"city": "Tokyo"}'], ids=["not-json", "missing-field"]
)
async def test_the_fake_will_not_answer_in_a_shape_the_format_forbids(
    serve: Serve, scripted: str
) -> None:
    # A model constrained by `format` cannot produce this, so a test scripting it would
    # test nothing real: the fake fails the call instead.
    _fake, model = serve(ollama_native.answer(scripted))

    with pytest.raises(ApplicationError, match="does not follow the requested schema"):
        await respond(model, output_schema=AgentOutputSchema(Forecast), tools=[])


# --- Replies -----------------------------------------------------------------------------


async def test_a_text_reply_becomes_a_typed_message_with_usage(serve: Serve) -> None:
    _fake, model = serve(ollama_native.answer("Sun on Tokyo's roofs"))

    response = await respond(model)

    [message] = response.output
    assert isinstance(message, ResponseOutputMessage)
    assert text_of(response) == "Sun on Tokyo's roofs"
    assert response.usage.requests == 1
    assert response.usage.input_tokens == PROMPT_TOKENS
    assert response.usage.output_tokens == REPLY_TOKENS
    assert response.usage.total_tokens == PROMPT_TOKENS + REPLY_TOKENS


async def test_thinking_text_and_parallel_tool_calls_are_all_kept(serve: Serve) -> None:
    _fake, model = serve(
        ollama_native.call_tools(
            ("get_weather", {"city": "Tokyo"}),
            ("get_weather", {"city": "Paris"}),
            content="Let me check both.",
            thinking="Two cities, two lookups.",
        )
    )

    response = await respond(model)

    reasoning, message, *calls = response.output
    assert isinstance(reasoning, ResponseReasoningItem)
    assert reasoning.content and reasoning.content[0].text == "Two cities, two lookups."
    assert isinstance(message, ResponseOutputMessage)
    assert text_of(response) == "Let me check both."
    assert [(c.name, json.loads(c.arguments)) for c in calls_in(calls)] == [
        ("get_weather", {"city": "Tokyo"}),
        ("get_weather", {"city": "Paris"}),
    ]
    call_ids = [c.call_id for c in calls_in(calls)]
    assert all(call_ids) and len(set(call_ids)) == 2


async def test_a_reply_cut_off_at_the_token_limit_is_reported(serve: Serve) -> None:
    _fake, model = serve(ollama_native.answer("Sun on", done_reason="length"))

    with pytest.raises(ApplicationError) as raised:
        await respond(model)

    assert raised.value.type == "ModelOutputTruncated"
    assert raised.value.non_retryable
    assert "done_reason=length" in raised.value.message
    assert "max_tokens" in raised.value.message


# --- Streaming ---------------------------------------------------------------------------


async def test_streaming_emits_a_responses_event_sequence(serve: Serve) -> None:
    fake, model = serve(
        ollama_native.call_tools(
            ("get_weather", {"city": "Tokyo"}),
            ("get_weather", {"city": "Paris"}),
            content="Checking both cities.",
            thinking="Two lookups needed.",
        )
    )

    events = await stream_all(model)

    assert fake.chat_requests[0]["stream"] is True
    types = [event.type for event in events]
    assert types[0] == "response.created"
    assert types[-1] == "response.completed"
    assert types[1:3] == ["response.output_item.added", "response.reasoning_text.delta"]
    assert "response.output_text.delta" in types
    assert types.count("response.function_call_arguments.delta") == 2
    assert types.count("response.output_item.added") == types.count("response.output_item.done")
    assert [event.sequence_number for event in events] == list(range(len(events)))
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == "Checking both cities."
    thinking = "".join(e.delta for e in events if e.type == "response.reasoning_text.delta")
    assert thinking == "Two lookups needed."

    completed = events[-1]
    assert isinstance(completed, ResponseCompletedEvent)
    assert completed.response.model == MODEL
    reasoning, message, *calls = completed.response.output
    assert isinstance(reasoning, ResponseReasoningItem)
    assert isinstance(message, ResponseOutputMessage)
    assert [json.loads(c.arguments)["city"] for c in calls_in(calls)] == ["Tokyo", "Paris"]
    usage = completed.response.usage
    assert usage is not None
    assert (usage.input_tokens, usage.output_tokens) == (PROMPT_TOKENS, REPLY_TOKENS)


async def test_a_streamed_reply_cut_off_at_the_token_limit_is_reported(serve: Serve) -> None:
    _fake, model = serve(ollama_native.answer("Sun on Tokyo", done_reason="length"))

    with pytest.raises(ApplicationError, match="done_reason=length") as raised:
        await stream_all(model)
    assert raised.value.non_retryable


def completed_output(events: list[TResponseStreamEvent]) -> list[Any]:
    completed = events[-1]
    assert isinstance(completed, ResponseCompletedEvent)
    assert completed.response.usage is not None
    return list(completed.response.output)


async def test_thinking_and_text_in_one_chunk_stream_in_that_order(serve: Serve) -> None:
    assistant = ollama_native.assistant
    _fake, model = serve(
        ollama_native.chunks(
            assistant(thinking="Look at "),
            assistant(thinking="the sky.", content="Sun on"),  # Thinking ends, text begins.
            assistant(content=" roofs"),
            assistant(),
        )
    )

    events = await stream_all(model)

    assert [(e.type, getattr(e, "delta", None)) for e in events] == [
        ("response.created", None),
        ("response.output_item.added", None),
        ("response.reasoning_text.delta", "Look at "),
        ("response.reasoning_text.delta", "the sky."),
        ("response.reasoning_text.done", None),
        ("response.output_item.done", None),
        ("response.output_item.added", None),
        ("response.content_part.added", None),
        ("response.output_text.delta", "Sun on"),
        ("response.output_text.delta", " roofs"),
        ("response.output_text.done", None),
        ("response.content_part.done", None),
        ("response.output_item.done", None),
        ("response.completed", None),
    ]
    reasoning, message = completed_output(events)
    assert isinstance(reasoning, ResponseReasoningItem)
    assert reasoning.content and reasoning.content[0].text == "Look at the sky."
    assert isinstance(message, ResponseOutputMessage)
    assert message.content[0].type == "output_text"
    assert message.content[0].text == "Sun on roofs"


async def test_several_tool_calls_in_one_chunk_each_stream_with_their_own_id(
    serve: Serve,
) -> None:
    assistant = ollama_native.assistant
    _fake, model = serve(
        ollama_native.chunks(
            assistant(content="Checking both."),
            assistant(tool_calls=[("get_weather", {"city": "Tokyo"}),
                                  ("get_weather", {"city": "Paris"})]),
            assistant(),
        )
    )  # fmt: skip

    events = await stream_all(model)

    streamed = [
        e.item
        for e in events
        if e.type == "response.output_item.done" and isinstance(e.item, ResponseFunctionToolCall)
    ]
    assert [json.loads(call.arguments) for call in streamed] == [
        {"city": "Tokyo"},
        {"city": "Paris"},
    ]
    message, *calls = completed_output(events)
    assert isinstance(message, ResponseOutputMessage)
    assert calls == streamed
    call_ids = [call.call_id for call in streamed]
    assert all(call_ids) and len(set(call_ids)) == 2


async def test_text_in_the_final_done_chunk_is_kept(serve: Serve) -> None:
    assistant = ollama_native.assistant
    _fake, model = serve(ollama_native.chunks(assistant(content="Sun on "), assistant("roofs")))

    events = await stream_all(model)

    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert deltas == ["Sun on ", "roofs"]
    [message] = completed_output(events)
    assert isinstance(message, ResponseOutputMessage)
    assert message.content[0].type == "output_text"
    assert message.content[0].text == "Sun on roofs"


async def test_a_stream_that_ends_without_its_done_chunk_is_retryable(serve: Serve) -> None:
    assistant = ollama_native.assistant
    _fake, model = serve(ollama_native.chunks(assistant(content="Sun on"), done=False))

    with pytest.raises(ApplicationError) as raised:
        await stream_all(model)

    assert raised.value.type == "ProviderConnectionLost"
    assert not raised.value.non_retryable
    assert "ended before it was done" in raised.value.message


async def test_stopping_a_stream_early_closes_the_http_stream(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, model = serve(ollama_native.slow_stream(pieces=200, delay=0.05))
    # Keep the client's chunk generators alive, as a caller holding on to them would:
    # otherwise CPython finalises a dropped generator by itself, and this test would pass
    # whether or not the model closes the stream.
    client_streams: list[object] = []
    chat = model.client.chat

    async def chat_keeping_streams(*args: Any, **kwargs: Any) -> Any:
        chunks = await chat(*args, **kwargs)
        client_streams.append(chunks)
        return chunks

    monkeypatch.setattr(model.client, "chat", chat_keeping_streams)

    events = stream(model)
    async for event in events:
        if event.type == "response.output_text.delta":
            break
    await events.aclose()  # type: ignore[attr-defined]

    for _ in range(100):  # The server notices on its next write.
        if fake.abandoned_streams:
            break
        await asyncio.sleep(0.1)
    assert len(client_streams) == 1
    assert (fake.abandoned_streams, fake.finished_streams) == (1, 0)


# --- Errors ------------------------------------------------------------------------------


async def test_ollama_not_running_is_retryable_and_says_to_start_it() -> None:
    host = f"http://127.0.0.1:{free_local_port()}"
    provider = OllamaModelProvider(base_url=host)
    model = provider.get_model(MODEL)
    assert isinstance(model, OllamaModel)

    with pytest.raises(ApplicationError) as raised:
        await respond(model)
    await provider.aclose()

    assert raised.value.type == "ProviderUnreachable"
    assert not raised.value.non_retryable
    assert host in raised.value.message
    assert "ollama serve" in raised.value.message


async def test_a_model_that_is_not_pulled_is_final_and_says_to_pull_it(serve: Serve) -> None:
    fake, _model = serve()
    fake.pulled = ()
    provider = OllamaModelProvider(base_url=fake.url)
    model = provider.get_model("llama3.2:1b")
    assert isinstance(model, OllamaModel)

    with pytest.raises(ApplicationError) as raised:
        await respond(model)
    await provider.aclose()

    assert raised.value.type == "ModelNotFound"
    assert raised.value.non_retryable
    assert "ollama pull llama3.2:1b" in raised.value.message


@pytest.mark.parametrize(
    ("capabilities", "settings", "ollama_says"),
    [
        pytest.param(
            ("completion", "tools"),
            ModelSettings(reasoning=Reasoning(effort="low")),
            '"llama3.2:1b" does not support thinking',
            id="thinking",
        ),
        pytest.param(
            ("completion",),
            ModelSettings(),
            "registry.ollama.ai/library/llama3.2:1b does not support tools",
            id="tools",
        ),
    ],
)
async def test_asking_a_model_for_what_it_cannot_do_is_a_final_one_line_error(
    serve: Serve,
    closing_providers: list[OllamaModelProvider],
    capabilities: tuple[str, ...],
    settings: ModelSettings,
    ollama_says: str,
) -> None:
    fake, _model = serve(ollama_native.answer("ok"))
    fake.pulled = ("llama3.2:1b",)
    fake.capabilities["llama3.2:1b"] = capabilities
    provider = OllamaModelProvider(base_url=fake.url)
    closing_providers.append(provider)
    model = provider.get_model("llama3.2:1b")
    assert isinstance(model, OllamaModel)

    with pytest.raises(ApplicationError) as raised:
        await respond(model, settings=settings, tools=[get_weather])

    # Final: the same request is refused the same way on every attempt.
    assert (raised.value.type, raised.value.non_retryable) == ("ProviderRejectedRequest", True)
    assert f"(HTTP 400: {ollama_says})" in raised.value.message
    assert "\n" not in raised.value.message


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
async def test_a_rate_limit_is_retryable_after_the_requested_delay(
    serve: Serve, streamed: bool
) -> None:
    _fake, model = serve(ollama_native.fail(429, "too many requests", {"Retry-After": "7"}))

    with pytest.raises(ApplicationError) as raised:
        await (stream_all(model) if streamed else respond(model))

    assert raised.value.type == "ProviderRateLimited"
    assert not raised.value.non_retryable
    assert raised.value.next_retry_delay == timedelta(seconds=7)


async def test_a_server_error_is_retryable(serve: Serve) -> None:
    _fake, model = serve(ollama_native.fail(500, "llama runner process has terminated"))

    with pytest.raises(ApplicationError) as raised:
        await respond(model)

    assert raised.value.type == "ProviderServerError"
    assert not raised.value.non_retryable
    assert "llama runner process has terminated" in raised.value.message


async def test_an_error_inside_the_stream_is_retryable(serve: Serve) -> None:
    _fake, model = serve(ollama_native.error_mid_stream("model runner crashed"))

    with pytest.raises(ApplicationError) as raised:
        await stream_all(model)

    assert raised.value.type == "ProviderServerError"
    assert not raised.value.non_retryable
    assert "model runner crashed" in raised.value.message


async def test_a_dropped_stream_is_retryable(serve: Serve) -> None:
    _fake, model = serve(ollama_native.break_mid_stream())

    with pytest.raises(ApplicationError) as raised:
        await stream_all(model)

    assert raised.value.type == "ProviderConnectionLost"
    assert not raised.value.non_retryable


async def test_a_slow_model_times_out_on_the_clients_timeout(serve: Serve) -> None:
    _fake, model = serve(ollama_native.hang(3), request_timeout_seconds=0.5)

    with pytest.raises(ApplicationError) as raised:
        await respond(model)

    assert raised.value.type == "ModelCallTimeout"
    assert not raised.value.non_retryable
    assert "within 0.5s" in raised.value.message
