"""Code the tests and the benchmark share: fake model servers that speak the real wire
formats (`fakes/`), the samples' wiring for in-process workers (`wiring`), the environment
of the processes they start (`environment`), and one model call's arguments (`model_calls`)."""
