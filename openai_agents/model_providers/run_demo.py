"""The one-command demo: Temporal dev server, worker and a sample workflow in one process.

It starts the bundled Temporal dev server (unless TEMPORAL_ADDRESS or a config profile
names a server), runs a worker in-process, executes the chosen sample, prints the result,
and shuts everything down. For real use, run a Temporal server, a worker and a starter in
three terminals instead (see README.md).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from agents import ModelProvider
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers import providers
from openai_agents.model_providers.providers.model_names import split_model_name
from openai_agents.model_providers.support import cli, dev_server, temporal
from openai_agents.model_providers.workflows import (
    gpt_oss_workflow,
    litellm_auto_workflow,
    multi_provider_workflow,
)
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from openai_agents.model_providers.workflows.shared import DEFAULT_ROUTER_MODEL, TASK_QUEUE


@dataclass(frozen=True)
class Sample:
    workflow: type[GptOssWorkflow] | type[LitellmAutoWorkflow] | type[MultiProviderWorkflow]
    default_model: str
    workflow_id_prefix: str
    provider_factory: str | None
    """The sample worker's checked factory, by its name in `providers` (None: the router):
    looked up only when the sample runs, as LiteLLM takes seconds to import (and must not
    be imported before `prepare_worker_process`)."""
    check_model_name: Callable[[str], None]


SAMPLES = {
    "gpt-oss": Sample(
        GptOssWorkflow,
        gpt_oss_workflow.DEFAULT_GPT_OSS_MODEL,
        gpt_oss_workflow.WORKFLOW_ID_PREFIX,
        "checked_ollama_chat_completions_provider",
        providers.check_ollama_model_name,
    ),
    "litellm": Sample(
        LitellmAutoWorkflow,
        litellm_auto_workflow.DEFAULT_LITELLM_MODEL,
        litellm_auto_workflow.WORKFLOW_ID_PREFIX,
        "checked_litellm_provider",
        providers.check_litellm_model_name,
    ),
    "multi-provider": Sample(
        MultiProviderWorkflow,
        DEFAULT_ROUTER_MODEL,
        multi_provider_workflow.WORKFLOW_ID_PREFIX,
        None,
        providers.check_router_model_name,
    ),
}


def is_router_name(model: str) -> bool:
    """`ollama/gpt-oss:20b` or `litellm/anthropic/...`: then the prefix router serves the
    sample, whichever sample it is."""
    prefix, _rest = split_model_name(model)
    return prefix in providers.BUILT_IN_PREFIXES


async def checked_provider(sample: Sample, model: str, args: argparse.Namespace) -> ModelProvider:
    """The sample worker's provider, or the prefix router's for a router name, checked."""
    bounds = {
        "request_timeout_seconds": providers.request_timeout_under(timedelta(seconds=args.timeout)),
        "max_tokens": args.max_tokens,
    }
    if sample.provider_factory is None or is_router_name(model):
        return await providers.checked_multi_provider(
            default_prefix="ollama", check_models=[model], **bounds
        )
    factory = getattr(providers, sample.provider_factory)
    provider: ModelProvider = await factory(model, **bounds)
    return provider


@asynccontextmanager
async def temporal_client(plugin: OpenAIAgentsPlugin) -> AsyncIterator[tuple[Client, str | None]]:
    """A client for the configured Temporal server, or for a fresh bundled dev server
    (then with its Web UI address)."""
    if temporal.temporal_address_configured():
        client = await Client.connect(**temporal.connect_config(), plugins=[plugin])
        await temporal.check_namespace(client)
        yield client, None
        return
    log = dev_server.new_log_file("temporal-dev-server-")
    print(f"Starting the bundled Temporal dev server (its output goes to {log})...")
    async with dev_server.local_dev_server([plugin], log) as (client, ui_url):
        yield client, ui_url


async def demo(args: argparse.Namespace) -> int:
    sample = SAMPLES[args.sample]
    model = args.model or sample.default_model
    (providers.check_router_model_name if is_router_name(model) else sample.check_model_name)(model)
    prompt = cli.checked_prompt(args)
    call_timeout = timedelta(seconds=args.timeout)
    # Check the model backend first: it is the likeliest thing to be missing, and the
    # check says exactly what to start or set.
    provider = await checked_provider(sample, model, args)
    plugin = OpenAIAgentsPlugin(
        model_params=ModelActivityParameters(
            start_to_close_timeout=call_timeout,
            heartbeat_timeout=timedelta(seconds=args.heartbeat_timeout),
            use_local_activity=args.fast_path,  # see "The fast path" in docs/design.md
            retry_policy=RetryPolicy(
                maximum_attempts=args.max_attempts, maximum_interval=timedelta(seconds=30)
            ),
        ),
        model_provider=provider,
    )
    try:
        async with temporal_client(plugin) as (client, ui_url):
            workflow_id = args.workflow_id or cli.unique_workflow_id(sample.workflow_id_prefix)
            async with Worker(client, task_queue=TASK_QUEUE, workflows=[sample.workflow]):
                print(f"Running workflow {workflow_id} on task queue {TASK_QUEUE}...")
                result = await client.execute_workflow(
                    sample.workflow.run,
                    args=[prompt, model],
                    id=workflow_id,
                    task_queue=TASK_QUEUE,
                    # The server hands the first workflow task straight back to this
                    # process's worker, skipping a poll: possible only here, where the
                    # starter and the worker share one client.
                    request_eager_start=args.fast_path,
                )
            print(f"Result: {result}")
            if ui_url and args.keep_server:
                history_url = f"{ui_url}/namespaces/{client.namespace}/workflows/{workflow_id}"
                print(f"Workflow history in the Temporal Web UI: {history_url}")
                print("The dev server keeps running for the Web UI; press Ctrl-C to stop it.")
                await asyncio.Event().wait()
            elif ui_url:
                print("The dev server stops now; --keep-server keeps it up to look at the run.")
            return 0
    finally:
        await provider.aclose()


def parse_args() -> argparse.Namespace:
    parser = cli.argument_parser(
        __doc__, "The bundled dev server is started unless TEMPORAL_ADDRESS names a server.\n"
    )
    parser.add_argument(
        "--sample",
        choices=sorted(SAMPLES),
        default="gpt-oss",
        help="gpt-oss needs a local Ollama with gpt-oss:20b; litellm needs a provider key "
        "such as ANTHROPIC_API_KEY; multi-provider runs the router sample. A router model "
        "name (--model ollama/..., litellm/..., openai/...) runs any sample through the "
        "prefix router (default: %(default)s)",
    )
    cli.add_workflow_arguments(parser, default_model=None)
    parser.add_argument(
        "--keep-server",
        action="store_true",
        help="keep the bundled dev server (and its Web UI) running until Ctrl-C",
    )
    cli.add_model_call_arguments(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    # Quiet unless --verbose: the demo shows the run's result, not the worker's log.
    cli.prepare_worker_process(args.verbose, quiet=not args.verbose)
    cli.run_script(lambda: demo(args), verbose=args.verbose)


if __name__ == "__main__":
    main()
