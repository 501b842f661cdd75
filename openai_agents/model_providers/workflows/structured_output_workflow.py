from __future__ import annotations

from typing import Literal

from agents import Agent, Runner
from pydantic import BaseModel, Field
from temporalio import workflow

from openai_agents.model_providers.workflows.answers import ModelLog, ModelUsage
from openai_agents.model_providers.workflows.failover import agent_model
from openai_agents.model_providers.workflows.shared import (
    DEFAULT_ROUTER_MODEL,
    MAX_TURNS,
    agent_errors_as_failures,
    get_weather,
    require_prompt,
)

WORKFLOW_ID_PREFIX = "structured-output-workflow-id"

REPORT_INSTRUCTIONS = (
    "You only respond in haikus. When asked about the weather always use the tool to get "
    "the current weather, then answer with a weather report: the city, the conditions the "
    "tool gives, the temperature (the tool's, or a typical one there for the season), and "
    "your haiku about it."
)


class Temperature(BaseModel):
    value: float
    unit: Literal["celsius", "fahrenheit"]


class WeatherReport(BaseModel):
    """The agent's typed answer: the model is asked for JSON of this schema, and the
    answer is checked against it before the workflow sees it."""

    city: str
    conditions: str = Field(description="e.g. sunny, light rain")
    temperature: Temperature
    haiku: str = Field(description="three lines, about the weather in the city")


class ReportAnswer(BaseModel):
    """The run's result: the report, which model answered each of its model calls, and
    what each model used."""

    report: WeatherReport
    models: list[str] = []
    usage: list[ModelUsage] = []


@workflow.defn
class StructuredOutputWorkflow:
    """The weather agent answering with a `WeatherReport` instead of text, on any router
    model. Each backend receives the report's JSON schema the way its API takes it
    (Ollama's `format`, an OpenAI-compatible `response_format`, LiteLLM's translation for
    its provider); the worker checks each answer against it, and retries the model call if
    it does not match."""

    @workflow.run
    async def run(
        self, prompt: str, model: str = DEFAULT_ROUTER_MODEL, fallbacks: list[str] | None = None
    ) -> ReportAnswer:
        agent = Agent(
            name="Weather reporter",
            instructions=REPORT_INSTRUCTIONS,
            model=agent_model(model, fallbacks or []),
            tools=[get_weather],
            output_type=WeatherReport,
        )
        log = ModelLog()  # Which model answered each call, and what each used.
        with agent_errors_as_failures():
            result = await Runner.run(agent, require_prompt(prompt), max_turns=MAX_TURNS, hooks=log)
        report = result.final_output_as(WeatherReport, raise_if_incorrect_type=True)
        return ReportAnswer(report=report, models=log.models, usage=log.usage)
