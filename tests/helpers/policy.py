"""A model activity's timeout and attempts, as the workers' --timeout and --max-attempts
set them, and the plugin and worker built from them.

Light on imports: workflow modules in the tests import it, and Temporal's sandbox
re-imports what they import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from agents import ModelProvider
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers.providers.timeouts import request_timeout_under
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from openai_agents.model_providers.workflows.streaming_workflow import MODEL_EVENTS_TOPIC

# The workers' defaults (`support.cli`); test_configuration.py checks that they agree.
DEFAULT_MODEL_CALL_TIMEOUT = timedelta(seconds=30)
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_HEARTBEAT_TIMEOUT = timedelta(seconds=10)


@dataclass(frozen=True)
class ModelCallPolicy:
    """A model activity's timeout and attempts, as the workers' --timeout and
    --max-attempts set them (the same defaults)."""

    timeout: timedelta = DEFAULT_MODEL_CALL_TIMEOUT
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    initial_interval: timedelta = timedelta(seconds=1)
    """The first retry's backoff (Temporal's default, which the workers keep). Tests about
    what fails and how often, not how long Temporal waits, shorten it: on a real server
    the waits are real."""
    heartbeat_timeout: timedelta = DEFAULT_HEARTBEAT_TIMEOUT

    @property
    def request_timeout_seconds(self) -> float:
        return request_timeout_under(self.timeout)

    def activity_parameters(self) -> ModelActivityParameters:
        return ModelActivityParameters(
            start_to_close_timeout=self.timeout,
            heartbeat_timeout=self.heartbeat_timeout,
            # As on the router worker, so the streaming sample runs on every test worker.
            streaming_topic=MODEL_EVENTS_TOPIC,
            retry_policy=RetryPolicy(
                initial_interval=self.initial_interval,
                maximum_attempts=self.max_attempts,
                maximum_interval=timedelta(seconds=30),
            ),
        )


def agents_plugin(provider: ModelProvider, policy: ModelCallPolicy) -> OpenAIAgentsPlugin:
    return OpenAIAgentsPlugin(model_params=policy.activity_parameters(), model_provider=provider)


def build_worker(client: Client, workflows: Sequence[type], task_queue: str = TASK_QUEUE) -> Worker:
    # The plugin on `client` adds the model activities and the Agents SDK's data converter.
    return Worker(client, task_queue=task_queue, workflows=workflows)
