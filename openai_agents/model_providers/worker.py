"""Building and running a worker for these samples, shared by the worker scripts and the demo."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from agents import ModelProvider
from temporalio.client import Client
from temporalio.openai_agents import OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers.cli import call_on_stop_signals
from openai_agents.model_providers.configuration import ModelCallPolicy
from openai_agents.model_providers.temporal_client import connect_to_temporal
from openai_agents.model_providers.workflows import TASK_QUEUE

logger = logging.getLogger(__name__)


def agents_plugin(provider: ModelProvider, policy: ModelCallPolicy) -> OpenAIAgentsPlugin:
    """The Temporal plugin that runs every model call as an activity on this worker."""
    return OpenAIAgentsPlugin(model_params=policy.activity_parameters(), model_provider=provider)


def build_worker(client: Client, workflows: Sequence[type], task_queue: str = TASK_QUEUE) -> Worker:
    # The plugin on `client` adds the model activities and the Agents SDK's data converter.
    return Worker(client, task_queue=task_queue, workflows=workflows)


async def serve_until_stopped(
    provider: ModelProvider, policy: ModelCallPolicy, workflows: Sequence[type]
) -> int:
    """Run a worker until SIGINT or SIGTERM, then shut it down gracefully."""
    try:
        client = await connect_to_temporal(plugins=[agents_plugin(provider, policy)])
        # A graceful stop instead of the scripts' default (cancel and exit 130): Ctrl-C is
        # how a worker is meant to be stopped.
        stop = asyncio.Event()
        call_on_stop_signals(stop.set)
        async with build_worker(client, workflows):
            logger.info(
                "Worker serving %s on task queue %r (Temporal %s); Ctrl-C to stop",
                ", ".join(w.__name__ for w in workflows),
                TASK_QUEUE,
                client.service_client.config.target_host,
            )
            await stop.wait()
        logger.info("Worker stopped")
    finally:
        await provider.aclose()
    return 0
