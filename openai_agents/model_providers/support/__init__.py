"""Plumbing the sample scripts share, which a reader can skip: the command line
(`arguments`), running a script and ending it in one line (`script`), a worker's logging
(`logs`), what a person types (`terminal`), what a run used and cost (`usage`), reaching
Temporal (`temporal`), traces when OTEL_EXPORTER_OTLP_ENDPOINT is set (`tracing`,
`span_attributes`), the demo's bundled dev server and model (`dev_server`, `bundled_model`),
its trace viewer, Arize Phoenix (`trace_viewer`), and the server processes those two start
(`processes`)."""
