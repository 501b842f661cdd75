"""The order of the benchmark, and why it is this order.

1. Row 6 first, before anything connects to Temporal: its CPU times are read from the
   whole process, which then holds the HTTP client's work and nothing else.
2. Row 1 before any worker exists: a running worker installs the Temporal plugin's
   process-global runner, which would change what a plain `Runner.run` does.
3. Rows 2-5 on a fresh local dev server (the `temporal` CLI bundled in this virtualenv,
   so nothing is downloaded), one in-process worker at a time.
4. Row 7 last, when no in-process worker competes with the worker processes for CPU.
5. Row 9 (the real model, where installed) around them: its plain `Runner.run` beside row 1,
   before any worker exists; its workflow after row 8.
6. Row 11 (worker processes, like row 7) after row 10.
7. Row 12 (an in-process worker and the weather MCP server's process) after row 8.
8. Row 13 (tracing) last: it installs OpenTelemetry's global tracer provider, which stays.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any

from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.testing import WorkflowEnvironment

from bench import (
    conversation,
    fleet,
    mcp_calls,
    model_calls,
    real_model,
    streaming,
    tracing_cost,
    workers,
    workflows,
)
from bench.fake_ollama import fake_ollama_process
from bench.options import Options
from bench.report import (
    Results,
    load_average,
    machine,
    table,
    targets,
    targets_text,
    write_json,
)
from openai_agents.model_providers.support.dev_server import bundled_temporal_cli


async def _dev_server() -> WorkflowEnvironment:
    """A fresh in-memory dev server from the `temporal` CLI bundled in this virtualenv.

    The server process inherits this one's standard output, where it prints a banner; it
    gets standard error instead, so that standard output holds the results only.
    """
    sys.stdout.flush()
    saved_stdout = os.dup(1)
    os.dup2(2, 1)
    try:
        return await WorkflowEnvironment.start_local(
            # Row 5 overloads the worker on purpose: Temporal's core then warns, once per
            # queued workflow, that a workflow task took over 5 seconds. Errors still show.
            runtime=Runtime(
                telemetry=TelemetryConfig(
                    logging=LoggingConfig(TelemetryFilter(core_level="ERROR", other_level="ERROR"))
                )
            ),
            dev_server_existing_path=bundled_temporal_cli(),
            dev_server_log_level="error",
            # Eager start is a server feature behind this switch. The bundled CLI's dev
            # server turns it on already; set here so that another CLI version or default
            # cannot quietly turn row 4 into row 3 (a server with it off ignores
            # `request_eager_start`, and row 4's note would say 0/n).
            dev_server_extra_args=[
                "--dynamic-config-value",
                "system.enableEagerWorkflowStart=true",
            ],
        )
    finally:
        os.dup2(saved_stdout, 1)
        os.close(saved_stdout)


_STARTED = time.perf_counter()


def _progress(message: str) -> None:
    elapsed = time.perf_counter() - _STARTED
    print(f"bench [{elapsed:5.1f} s]: {message}", file=sys.stderr, flush=True)


async def run(options: Options) -> Results:
    results = Results()
    profiles: dict[str, Any] = {}
    conversations = model_calls.conversations_needed(options.runs)
    real_runs = min(options.runs, 5)
    with (
        fake_ollama_process(conversations) as fakes,
        real_model.server_if_asked(options.real_model) as url,
    ):
        _progress("6 model calls, native and OpenAI-compatible")
        call_rows = await model_calls.model_call_rows(fakes, options.runs)
        _progress("1 Runner.run without Temporal")
        results.rows.append(await workflows.direct_runs(options.runs))
        if url is not None:
            _progress("9 the real model, through Runner.run")
            real_direct = await real_model.direct_row(url, real_runs)
        _progress("starting the local dev server")
        environment = await _dev_server()
        try:
            _progress("2-5 workflows")
            latency, throughput = await workflows.workflow_rows(
                environment.client, options.runs, options.concurrency, options.throughput_rounds
            )
            results.rows += [*latency, *throughput, *call_rows]
            address = environment.client.service_client.config.target_host
            commands = workers.worker_commands(address, fakes)
            _progress("7 worker start-up and memory")
            results.rows += await asyncio.to_thread(
                workers.startup_rows, commands, options.startup_samples, not options.quick
            )
            # After the timed starts, so that these too find the bytecode cache filled.
            _progress("7 import profile of each worker (-X importtime)")
            for command in commands:
                # The targets concern the two workers without LiteLLM; the LiteLLM worker's
                # own profile would add a 12-second start and tell what is known already.
                # The smoke test (--quick) profiles one of them only.
                if command.key == "router" or (command.key == "gpt_oss" and not options.quick):
                    profiles[command.key] = await asyncio.to_thread(workers.import_profile, command)
            _progress("8 streaming")
            results.rows.append(
                await streaming.streaming_row(environment.client, min(options.runs, 10))
            )
            _progress("12 one MCP tool call")
            results.rows += await mcp_calls.mcp_call_rows(environment.client, options.runs)
            _progress("10 one long conversation")
            exchanges, points = (30, (3, 10, 30)) if options.quick else (1000, (10, 100, 1000))
            results.rows += await conversation.conversation_rows(
                environment.client, exchanges, points
            )
            _progress("11 a fleet under a rate limit")
            results.rows += await fleet.fleet_rows(address, 10 if options.quick else 60)
            if url is None:
                results.rows += real_model.not_measured()
            else:
                _progress("9 the real model, as a workflow")
                real_workflow = await real_model.workflow_row(
                    environment.client, url, real_runs, real_direct
                )
                results.rows += [real_direct, real_workflow]
            # Last: it installs the global tracer provider, which then stays.
            _progress("13 tracing off and on")
            results.rows += await tracing_cost.tracing_rows(environment.client, options.runs, url)
        finally:
            await environment.shutdown()
    results.findings["import_profiles"] = profiles
    results.findings["litellm_imported"] = {
        key: profile["litellm_imported"] for key, profile in profiles.items()
    }
    return results


def _profiles_text(profiles: dict[str, Any]) -> str:
    lines = ["Start-up imports (one start under -X importtime, which slows imports down):"]
    for key, profile in profiles.items():
        importing, ready = (
            profile["import_seconds_total"],
            profile["seconds_to_ready_under_importtime"],
        )
        lines.append(
            f"  {key}: {ready:.2f} s to ready = {importing:.2f} s importing + "
            f"{ready - importing:.2f} s else (connecting, worker set-up); "
            f"litellm imported: {'yes' if profile['litellm_imported'] else 'no'}"
        )
        top = ", ".join(f"{module} {seconds:.2f}" for module, seconds in profile["by_package"])
        lines.append(f"    own time by package (s): {top}")
    return "\n".join(lines)


def main(options: Options) -> int:
    started = time.perf_counter()
    results = asyncio.run(run(options))
    facts = machine()
    bytecode = (
        "read-only (only what is installed"
        + ("" if facts["virtualenv_bytecode"] else "; the virtualenv has none")
        + ")"
        if options.read_only_bytecode
        else "cached by this run"
    )
    print(
        f"{facts['cores']} cores, Python {facts['python']}, {facts['platform']}; "
        f"worker processes' bytecode: {bytecode}; load average {results.load_before} "
        f"at the start, {load_average()} at the end\n"
    )
    print(table(results.rows))
    print()
    print(targets_text(targets(results)))
    print()
    print(_profiles_text(results.findings["import_profiles"]))
    print(f"\n{time.perf_counter() - started:.0f} s in all")
    if options.json_path is not None:
        write_json(options.json_path, results, options.as_dict())
        print(f"results written to {options.json_path}")
    return 0
