"""What the tests share: running workflows on in-process workers, running the scripts as
processes, scripted models, and the samples' wiring for in-process workers."""
