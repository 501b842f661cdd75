"""Worker for the GPT-OSS sample: serves `gpt-oss:20b` from a local Ollama server, through
Ollama's OpenAI-compatible API (`/v1`) and the Agents SDK's `OpenAIChatCompletionsModel`.

It serves one model, its --model; a run that names another fails at once, before any model
call: give the starter (run_gpt_oss_workflow.py) the same --model.
"""

from __future__ import annotations

import argparse
import logging
from datetime import timedelta

from agents import Model, ModelProvider, OpenAIChatCompletionsModel
from openai import AsyncOpenAI
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers import providers
from openai_agents.model_providers.support import (
    arguments,
    logs,
    script,
    temporal,
    tracing,
    worker_environment,
)
from openai_agents.model_providers.workflows.gpt_oss_workflow import (
    DEFAULT_GPT_OSS_MODEL,
    GptOssWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE


class OllamaChatCompletionsProvider(ModelProvider):
    """One model, the one --model checked at start, from Ollama's OpenAI-compatible API."""

    def __init__(self, client: AsyncOpenAI, model: str) -> None:
        self.client, self.model = client, model

    def get_model(self, model_name: str | None) -> Model:
        # Refused before any call: another OpenAI-compatible server (llama.cpp's) would
        # answer any name with its one model, and the history would name the wrong one.
        if model_name not in (None, self.model):
            raise ApplicationError(
                f"this worker serves {self.model!r} (its --model), not {model_name!r}: start "
                f"the run with --model {self.model}, or a worker with --model {model_name}",
                type=providers.FailureType.ConfigurationError,
                non_retryable=True,
            )
        return OpenAIChatCompletionsModel(self.model, self.client)

    async def aclose(self) -> None:
        await self.client.close()


async def main(args: argparse.Namespace) -> int:
    call_timeout = timedelta(seconds=args.timeout)
    host = providers.ollama_host()  # OLLAMA_HOST, checked (default http://localhost:11434).
    # A little under the activity's timeout, with a clearer error; no client retries:
    # Temporal's retry policy is the only one. Ollama ignores the key.
    request_timeout = providers.request_timeout_under(call_timeout)
    openai_client = AsyncOpenAI(
        base_url=f"{host}/v1", api_key="ollama", max_retries=0, timeout=request_timeout
    )
    ollama = providers.describe_ollama(host)  # How its failures name it and say what to do.
    try:
        # Checked now: Ollama is up and has the model.
        await providers.check_openai_compatible_model(
            openai_client, args.model, ollama, request_timeout
        )
        # The plugin maps only OpenAI's own errors; this wrapper says what to do about each.
        provider = providers.ActionableErrorsProvider(
            OllamaChatCompletionsProvider(openai_client, args.model),
            lambda _model: ollama,
            request_timeout,
            max_tokens=args.max_tokens,
        )
        client = await Client.connect(
            **temporal.connect_config(),
            plugins=[
                OpenAIAgentsPlugin(
                    model_params=ModelActivityParameters(
                        start_to_close_timeout=call_timeout,
                        heartbeat_timeout=timedelta(seconds=args.heartbeat_timeout),
                        use_local_activity=args.fast_path,  # see "The fast path" in docs/design.md
                        retry_policy=RetryPolicy(
                            maximum_attempts=args.max_attempts,
                            maximum_interval=timedelta(seconds=30),
                        ),
                    ),
                    model_provider=provider,
                    # OTEL_EXPORTER_OTLP_ENDPOINT set: a trace per workflow run, its model
                    # calls' spans naming Ollama as their provider.
                    use_otel_instrumentation=tracing.from_environment(
                        servers={str(openai_client.base_url): "ollama"}
                    ),
                )
            ],
        )
        await temporal.check_namespace(client)
        stop = script.stop_requested()  # Ctrl-C or SIGTERM: shut down gracefully.
        async with Worker(client, task_queue=TASK_QUEUE, workflows=[GptOssWorkflow]):
            logging.info("Worker serving GptOssWorkflow on %r; Ctrl-C to stop", TASK_QUEUE)
            await stop.wait()
    finally:
        await openai_client.close()
    return 0


if __name__ == "__main__":
    parser = arguments.argument_parser(
        __doc__, "Ollama: OLLAMA_HOST (default http://localhost:11434).\n"
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_GPT_OSS_MODEL,
        help="the one model this worker serves, checked at start; a run must name the same "
        "(default: %(default)s)",
    )
    arguments.add_model_call_arguments(parser)
    args = parser.parse_args()
    # No traces to OpenAI (OTLP traces only with OTEL_EXPORTER_OTLP_ENDPOINT), LiteLLM offline:
    # before the libraries read them.
    worker_environment.no_traces_to_openai_and_litellm_offline()
    logs.set_up_worker_logging(args.verbose)
    script.run_script(lambda: main(args), verbose=args.verbose)
