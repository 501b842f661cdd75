"""The GPT-OSS worker's real model (`OpenAIChatCompletionsModel` on an `AsyncOpenAI`
client, as `create_gpt_oss_provider` builds it) against a fake of Ollama's `/v1` API:
streamed replies as Ollama sends them (Server-Sent Events), and the non-standard
`reasoning` field gpt-oss answers with, streamed and not."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from agents import Model, ModelResponse, ModelSettings, TResponseInputItem, Usage
from agents.items import TResponseStreamEvent
from openai.types.responses import (
    ResponseCompletedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseReasoningItem,
    ResponseReasoningTextDeltaEvent,
    ResponseTextDeltaEvent,
)
from temporalio.exceptions import ApplicationError

from openai_agents.model_providers.providers import DEFAULT_MAX_TOKENS
from openai_agents.model_providers.workflows.shared import get_weather
from testkit.fakes import ollama_openai
from testkit.fakes.http_server import Route
from testkit.fakes.ollama_openai import PROMPT_TOKENS, REPLY_TOKENS, FakeOllamaOpenAI
from testkit.model_calls import call_model_once, model_call_arguments
from testkit.wiring import ModelCallPolicy, create_gpt_oss_provider

MODEL = "gpt-oss:20b"
PROMPT = "What's the weather in Tokyo?"
HAIKU = "Skies over Tokyo\nsunny and bright all day long\nso the haiku ends"
THOUGHT = "The user wants the weather. I should call get_weather for Tokyo."


@contextlib.asynccontextmanager
async def gpt_oss_model(*steps: Route) -> AsyncIterator[tuple[FakeOllamaOpenAI, Model]]:
    """A fake Ollama answering with `steps`, and the GPT-OSS worker's model on it."""
    with FakeOllamaOpenAI(list(steps)) as fake, pytest.MonkeyPatch.context() as patch:
        patch.setenv("OLLAMA_HOST", fake.url)
        provider = await create_gpt_oss_provider(MODEL, ModelCallPolicy(max_attempts=3))
        try:
            yield fake, provider.get_model(MODEL)
        finally:
            await provider.aclose()


async def stream_all(
    model: Model,
    input: str | list[TResponseInputItem] = PROMPT,
    settings: ModelSettings | None = None,
) -> list[TResponseStreamEvent]:
    events = model.stream_response(
        **model_call_arguments(
            input, system="You only respond in haikus.", settings=settings, tools=[get_weather]
        )
    )
    return [event async for event in events]


def completed(events: list[TResponseStreamEvent]) -> ResponseCompletedEvent:
    """The final event, which the Runner builds the turn's result from."""
    last = events[-1]
    assert isinstance(last, ResponseCompletedEvent), [event.type for event in events]
    return last


# --- The wire ----------------------------------------------------------------------------


def test_the_fake_streams_server_sent_events_as_ollama_does() -> None:
    with FakeOllamaOpenAI([ollama_openai.answer("Sunny", reasoning="Hmm")]) as fake:
        request = {"model": MODEL, "messages": [], "stream": True}
        reply = httpx.post(f"{fake.url}/v1/chat/completions", json=request)

    assert reply.headers["content-type"] == "text/event-stream"
    events = reply.text.split("\n\n")
    assert events[-2:] == ["data: [DONE]", ""]
    chunks = [json.loads(event.removeprefix("data: ")) for event in events[:-2]]
    assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
    assert len({chunk["id"] for chunk in chunks}) == 1
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks]
    assert "".join(delta.get("reasoning", "") for delta in deltas) == "Hmm"
    assert "".join(delta["content"] for delta in deltas) == "Sunny"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


# --- Streamed replies --------------------------------------------------------------------


async def test_streamed_text_arrives_in_order_and_joins_to_the_full_text() -> None:
    async with gpt_oss_model(ollama_openai.answer(HAIKU)) as (fake, model):
        events = await stream_all(model)

    assert fake.chat_requests[0]["stream"] is True
    assert events[0].type == "response.created"
    assert [event.sequence_number for event in events] == list(range(len(events)))
    deltas = [event.delta for event in events if isinstance(event, ResponseTextDeltaEvent)]
    # Ollama's last chunk carries `content: ""`, which the SDK passes on as an empty delta.
    assert len([delta for delta in deltas if delta]) > 1
    assert "".join(deltas) == HAIKU
    (message,) = completed(events).response.output
    assert isinstance(message, ResponseOutputMessage)
    assert [part.text for part in message.content if part.type == "output_text"] == [HAIKU]


async def test_a_streamed_tool_call_arrives_whole_with_its_arguments_and_call_id() -> None:
    step = ollama_openai.call_tools(
        ("get_weather", {"city": "Tokyo"}), ("get_weather", {"city": "Paris"})
    )
    async with gpt_oss_model(step) as (_fake, model):
        events = await stream_all(model)

    # Ollama sends each call whole, so each call's arguments come in one delta.
    arguments = [
        event.delta
        for event in events
        if isinstance(event, ResponseFunctionCallArgumentsDeltaEvent)
    ]
    assert arguments == ['{"city": "Tokyo"}', '{"city": "Paris"}']
    output = completed(events).response.output
    calls = [item for item in output if isinstance(item, ResponseFunctionToolCall)]
    assert len(calls) == len(output)
    assert [(call.name, call.arguments) for call in calls] == [
        ("get_weather", '{"city": "Tokyo"}'),
        ("get_weather", '{"city": "Paris"}'),
    ]
    call_ids = [call.call_id for call in calls]
    assert all(call_ids) and len(set(call_ids)) == 2


async def test_a_stream_always_asks_for_usage_and_carries_the_token_cap() -> None:
    """The SDK asks for streamed usage by default only from api.openai.com. The worker's
    wrapper asks every server (it is how a reply cut at the cap is recognised), and sends
    the worker's token cap unless the agent's own limit is lower."""
    steps = [ollama_openai.answer("Sunny"), ollama_openai.answer("Sunny")]
    async with gpt_oss_model(*steps) as (fake, model):
        events = await stream_all(model)
        await stream_all(model, settings=ModelSettings(max_tokens=10))

    by_default, agent_limited = fake.chat_requests
    assert by_default["stream_options"] == {"include_usage": True}
    assert by_default["max_tokens"] == DEFAULT_MAX_TOKENS
    assert agent_limited["max_tokens"] == 10
    usage = completed(events).response.usage
    assert usage is not None
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (
        PROMPT_TOKENS,
        REPLY_TOKENS,
        PROMPT_TOKENS + REPLY_TOKENS,
    )


async def test_streamed_reasoning_becomes_a_reasoning_item() -> None:
    async with gpt_oss_model(ollama_openai.answer(HAIKU, reasoning=THOUGHT)) as (_fake, model):
        events = await stream_all(model)

    thought = [e.delta for e in events if isinstance(e, ResponseReasoningTextDeltaEvent)]
    assert len(thought) > 1
    assert "".join(thought) == THOUGHT
    reasoning, message = completed(events).response.output
    assert isinstance(reasoning, ResponseReasoningItem)
    # Ollama's `reasoning` is raw chain of thought, so it lands in `content`, not `summary`.
    assert [part.text for part in reasoning.content or []] == [THOUGHT]
    assert reasoning.summary == []
    assert isinstance(message, ResponseOutputMessage)


async def test_reasoning_goes_back_to_ollama_with_the_tool_call_on_the_next_turn() -> None:
    steps = [
        ollama_openai.call_tools(("get_weather", {"city": "Tokyo"}), reasoning=THOUGHT),
        ollama_openai.answer_quoting_tool_result(),
    ]
    async with gpt_oss_model(*steps) as (fake, model):
        first = completed(await stream_all(model)).response
        reasoning, call = first.output
        assert isinstance(reasoning, ResponseReasoningItem)
        assert isinstance(call, ResponseFunctionToolCall)
        turn_two: list[TResponseInputItem] = [
            {"role": "user", "content": PROMPT},
            *ModelResponse(output=first.output, usage=Usage(), response_id=None).to_input_items(),
            {"type": "function_call_output", "call_id": call.call_id, "output": "Sunny."},
        ]
        await stream_all(model, turn_two)

    # gpt-oss expects its chain of thought back with its tool call; Ollama reads the
    # assistant message's `reasoning` into the model's thinking.
    assistant = next(m for m in fake.chat_requests[1]["messages"] if m["role"] == "assistant")
    assert assistant["reasoning"] == THOUGHT
    assert assistant["tool_calls"][0]["id"] == call.call_id


@pytest.mark.parametrize(
    "step",
    [
        ollama_openai.call_tool("get_weather", city="Tokyo"),
        ollama_openai.answer_quoting_tool_result(),
        ollama_openai.hang(seconds=0.1),
    ],
    ids=["call_tool", "answer_quoting_tool_result", "hang"],
)
async def test_the_workflow_tests_steps_stream_when_asked(step: Route) -> None:
    async with gpt_oss_model(step) as (_fake, model):
        events = await stream_all(model)

    assert completed(events).response.output


async def test_a_stream_broken_off_fails_retryably() -> None:
    async with gpt_oss_model(ollama_openai.broken_reply()) as (_fake, model):
        with pytest.raises(ApplicationError, match="broke during the reply") as raised:
            await stream_all(model)

    assert not raised.value.non_retryable


# --- Whole replies -----------------------------------------------------------------------


async def test_a_whole_reply_with_reasoning_parses_into_a_reasoning_item() -> None:
    async with gpt_oss_model(ollama_openai.answer(HAIKU, reasoning=THOUGHT)) as (fake, model):
        response = await call_model_once(model, PROMPT)

    assert "stream" not in fake.chat_requests[0]
    reasoning, message = response.output
    assert isinstance(reasoning, ResponseReasoningItem)
    assert [part.text for part in reasoning.content or []] == [THOUGHT]
    assert isinstance(message, ResponseOutputMessage)
    assert [part.text for part in message.content if part.type == "output_text"] == [HAIKU]
    assert (response.usage.input_tokens, response.usage.output_tokens) == (
        PROMPT_TOKENS,
        REPLY_TOKENS,
    )
