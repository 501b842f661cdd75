"""Docs name only things that exist: every Markdown file, and every docstring and comment in
the repository (Python, pyproject.toml, .ci/, .github/), names real repository paths, real
modules and attributes of this repository's packages (`providers.DEFAULT_MAX_TOKENS`),
real Markdown anchors (`design.md#the-fast-path-local-activities-and-eager-start`) and real
headings where a comment says `see "The fast path" in docs/design.md`. Names are looked up
statically (files and `ast`), so nothing is imported, and only in files git tracks.
`uv run python -m tests.test_docs_name_real_things` lists what it finds wrong."""

from __future__ import annotations

import ast
import bisect
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

REPOSITORY = Path(__file__).resolve().parents[1]
SAMPLES = PurePosixPath("openai_agents/model_providers")
# Files whose comments are read besides Python's and Markdown's.
HASH_COMMENTED = re.compile(r"^(\.ci/.*|\.github/.*\.ya?ml|pyproject\.toml|\.gitignore)$")
FILE_SUFFIXES = (".py", ".md", ".toml", ".json", ".yml", ".yaml", ".sh")
# Files and folders the docs name that this repository does not hold, and why.
ELSEWHERE = {
    "results.json": "written by `python -m bench --json results.json`",
    "script.py": "any script, in `python script.py --help`",
    "openai_agents/streaming/": "upstream's streaming samples, in docs/upstream.md",
}

URL = re.compile(r"\b[a-z][\w+.-]*://\S+")
# A run of path characters holding a `/`, not starting inside another path or a URL.
PATH = re.compile(
    r"(?<![\w./~$*-])(?:\.{1,2}/)?[\w.-]+"
    r"(?:(?:/[\w.*-]+)+/?|/|\.(?:py|md|toml|json|ya?ml|sh)\b)(?:#[\w-]+)?"
)
DOTTED = re.compile(r"(?<![\w./-])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
# Python's string literals (consumed whole, so a `#` inside one is no comment) and comments.
STRING_OR_COMMENT = re.compile(
    r"[rRbBuUfF]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*')"
    r"|(?P<comment>#[^\n]*)"
)
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
SEE_HEADING = re.compile(
    r'"(?P<title>[^"]+)" in (?:the (?P<readme>README)|`?(?P<doc>[\w/.-]+\.md)`?)'
)


@cache
def tracked() -> tuple[PurePosixPath, ...]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=REPOSITORY, capture_output=True, text=True, check=True
    ).stdout.split()
    return tuple(PurePosixPath(path) for path in listed if (REPOSITORY / path).is_file())


@cache
def tracked_dirs() -> frozenset[PurePosixPath]:
    return frozenset(parent for path in tracked() for parent in path.parents)


@cache
def dir_names() -> frozenset[str]:
    return frozenset(path.name for path in tracked_dirs() if path.name)


@cache
def package_roots() -> dict[str, tuple[PurePosixPath, ...]]:
    """The names a dotted reference may start with, and where each may live: this
    repository's top-level packages, and every module and package under them by its own name
    (`providers.errors.wrapper`, `shared.TASK_QUEUE`)."""
    roots: dict[str, list[PurePosixPath]] = {}
    for path in tracked():
        if path.suffix != ".py":
            continue
        module = path.parent if path.name == "__init__.py" else path.with_suffix("")
        for place in (module, *module.parents):
            if place.name:
                roots.setdefault(place.name, [])
                if place not in roots[place.name]:
                    roots[place.name].append(place)
    return {name: tuple(places) for name, places in roots.items()}


# --- What the docs say -------------------------------------------------------------------


def markdown_lines(path: PurePosixPath) -> Iterator[tuple[int, str]]:
    yield from enumerate((REPOSITORY / path).read_text().splitlines(), 1)


def python_prose(path: PurePosixPath) -> Iterator[tuple[int, str]]:
    """Each line of every docstring and comment in a Python file, with its line number."""
    source = (REPOSITORY / path).read_text()
    pending: list[ast.AST] = [ast.parse(source)]
    while pending:  # Statements only: a docstring is never inside an expression.
        node = pending.pop()
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        first = body[0] if body else None
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            for offset, line in enumerate(first.value.value.splitlines()):
                yield first.lineno + offset, line
        pending.extend(body)
        pending.extend(getattr(node, "orelse", []))
        pending.extend(getattr(node, "finalbody", []))
        pending.extend(getattr(node, "handlers", []))
    starts = [0, *(newline.end() for newline in re.finditer("\n", source))]
    for match in STRING_OR_COMMENT.finditer(source):
        if match["comment"]:
            yield bisect.bisect_right(starts, match.start()), match["comment"]


def hash_comments(path: PurePosixPath) -> Iterator[tuple[int, str]]:
    for number, line in markdown_lines(path):
        match = re.search(r"(?:^|\s)#(?!!)(.*)", line)
        if match:
            yield number, match[1]


def prose(path: PurePosixPath) -> Iterator[tuple[int, str]]:
    if path.suffix == ".md":
        return markdown_lines(path)
    if path.suffix == ".py":
        return python_prose(path)
    if HASH_COMMENTED.match(str(path)):
        return hash_comments(path)
    return iter(())


# --- What exists ---------------------------------------------------------------------------


def github_slug(heading: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    text = text.replace("`", "").replace("*", "")
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@cache
def anchors(path: PurePosixPath) -> frozenset[str]:
    """The anchors GitHub gives a Markdown file's headings (a repeated one gets `-1`, `-2`)."""
    found: list[str] = []
    fenced = False
    for _, line in markdown_lines(path):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (heading := re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)):
            slug = github_slug(heading[1])
            repeats = found.count(slug) + sum(a.startswith(f"{slug}-") for a in found)
            found.append(f"{slug}-{repeats}" if repeats and slug in found else slug)
    return frozenset(found)


@cache
def headings(path: PurePosixPath) -> tuple[str, ...]:
    return tuple(
        match[1]
        for _, line in markdown_lines(path)
        if (match := re.match(r"#{1,6}\s+(.*?)\s*$", line))
    )


@cache
def everything() -> dict[str, PurePosixPath]:
    """Every tracked file and folder, by its path."""
    return {str(path): path for path in (*tracked(), *tracked_dirs())}


@cache
def find_path(written: str, where: PurePosixPath) -> PurePosixPath | None:
    """The tracked file or folder `written` names: as written from the repository's root or
    the file's own folder, or as the tail of a tracked path (`real_model/conftest.py`)."""
    written = written.rstrip("/")
    for base in (where.parent, PurePosixPath()):
        normal = os.path.normpath(base / written)
        if normal in everything():
            return everything()[normal]
    tail = f"/{written}"
    for name, path in everything().items():
        if name.endswith(tail) or name == written:
            return path
    return None


@dataclass(frozen=True)
class Imported:
    """A name a module imports from a module of this repository: where, and under what name."""

    place: PurePosixPath
    name: str


@cache
def module_names(module: PurePosixPath) -> dict[str, ast.ClassDef | Imported | None]:
    """Names a module defines or imports at its top level: a class maps to its node, a name
    imported from this repository to where it comes from."""
    names: dict[str, ast.ClassDef | Imported | None] = {}
    pending: list[ast.stmt] = list(ast.parse((REPOSITORY / module).read_text()).body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.ClassDef):
            names[node.name] = node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names[node.name] = None
        elif isinstance(node, ast.ImportFrom):
            source = imported_from(module, node)
            for alias in node.names:
                from_here = source and Imported(source, alias.name)
                names[alias.asname or alias.name] = from_here or None
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = None
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names[name.id] = None
        elif isinstance(node, ast.If | ast.Try):
            pending.extend(node.body)
            pending.extend(node.orelse)
            if isinstance(node, ast.Try):
                pending.extend(node.finalbody)
                for handler in node.handlers:
                    pending.extend(handler.body)
    return names


def imported_from(module: PurePosixPath, node: ast.ImportFrom) -> PurePosixPath | None:
    """The package or module (its path without `.py`) of this repository `node` imports
    from; None for a third party's."""
    dotted = (node.module or "").split(".") if node.module else []
    if node.level:
        base = module.parent
        for _ in range(node.level - 1):
            base = base.parent
    elif dotted and dotted[0] in ("openai_agents", "testkit", "tests", "bench"):
        base = PurePosixPath()
    else:
        return None
    return base.joinpath(*dotted)


def class_has(node: ast.ClassDef, name: str) -> bool:
    for statement in node.body:
        if (
            isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and statement.name == name
        ):
            return True
        for target in ast.walk(statement):
            if isinstance(target, ast.Name) and target.id == name:
                return True
            if isinstance(target, ast.arg) and target.arg == name:
                return True
            if isinstance(target, ast.Attribute) and target.attr == name:
                return True
    return False


def resolves(place: PurePosixPath, parts: list[str]) -> bool:
    """Whether `parts` names a module, or a module's attribute, starting from the package or
    module at `place` (a folder, or a module's path without `.py`)."""
    for index, part in enumerate(parts):
        if (REPOSITORY / place / part).is_dir():
            place = place / part
            continue
        if (REPOSITORY / place / f"{part}.py").is_file():
            place = place / part
            continue
        module = (
            place / "__init__.py" if (REPOSITORY / place).is_dir() else place.with_suffix(".py")
        )
        if not (REPOSITORY / module).is_file():
            return False
        names = module_names(module)
        if part not in names:
            return False
        node = names[part]
        rest = parts[index + 1 :]
        if isinstance(node, Imported):
            return resolves(node.place, [node.name, *rest])
        return not rest or not isinstance(node, ast.ClassDef) or class_has(node, rest[0])
    return True


# --- The checks ----------------------------------------------------------------------------


def path_problem(written: str, where: PurePosixPath) -> str | None:
    """What is wrong with a path the docs name: checked if it starts at one of this
    repository's folder names (not `ollama/`, `hf.co/`) or is a file name (`shared.py`)."""
    written, _, anchor = written.rstrip(".").partition("#")
    first = written.lstrip("./").split("/")[0]
    if written in ELSEWHERE or re.fullmatch(r"\w+/s", written):  # `workflows/s`: a rate.
        return None
    if first not in dir_names() and ("/" in written or not written.endswith(FILE_SUFFIXES)):
        return None
    found = find_path(written, where)
    if found is None and not written.endswith(FILE_SUFFIXES):
        # `providers/errors/wrapper.request_timeout_under`: a module's path, then its attributes.
        module, *attributes = written.split(".")
        found = find_path(f"{module}.py", where)
        if found is not None and not resolves(found.with_suffix(""), attributes):
            return f"{found} has no {'.'.join(attributes)}"
    if found is None:
        return f"no file or folder {written}"
    if anchor and found.suffix == ".md" and anchor not in anchors(found):
        return f"{found} has no heading #{anchor}"
    return None


def dotted_problem(written: str) -> str | None:
    root, *parts = written.split(".")
    if written.endswith(FILE_SUFFIXES) or root not in package_roots() or not parts:
        return None
    if any(resolves(place, parts) for place in package_roots()[root]):
        return None
    return f"no {written} in this repository"


def link_problem(target: str, where: PurePosixPath) -> str | None:
    if URL.match(target) or target.startswith("mailto:"):
        return None
    written, _, anchor = target.partition("#")
    found = where if not written else find_path(written, where)
    if found is None or (written and not (REPOSITORY / where.parent / written).exists()):
        return f"the link target {written} does not exist"
    if anchor and found.suffix == ".md" and anchor not in anchors(found):
        return f"{found} has no heading #{anchor}"
    return None


def nearest_readme(where: PurePosixPath) -> PurePosixPath:
    for folder in where.parents:
        if folder / "README.md" in tracked():
            return folder / "README.md"
    return PurePosixPath("README.md")


def heading_problem(match: re.Match[str], where: PurePosixPath) -> str | None:
    doc = nearest_readme(where) if match["readme"] else find_path(match["doc"], where)
    if doc is None:
        return f"no file {match['doc']}"
    title = match["title"].lower()
    if not any(heading.lower().startswith(title) for heading in headings(doc)):
        return f'{doc} has no heading "{match["title"]}"'
    return None


def problems_in(line: str, path: PurePosixPath) -> list[str]:
    """What is wrong with what one line of `path`'s docs names."""
    text = URL.sub(" ", line)
    issues: list[str | None] = []
    if path.suffix == ".md":
        issues += [link_problem(m["target"], path) for m in LINK.finditer(text)]
        text = LINK.sub("]", text)
    issues += [heading_problem(m, path) for m in SEE_HEADING.finditer(text)]
    for m in PATH.finditer(text):
        issues.append(path_problem(m[0], path))
        if "/" in m[0]:  # A path's dots are not a dotted name.
            text = text.replace(m[0], " ", 1)
    issues += [dotted_problem(m[0]) for m in DOTTED.finditer(text)]
    return [issue for issue in issues if issue]


def problems() -> list[str]:
    return [
        f"{path}:{number}: {issue}"
        for path in tracked()
        for number, line in prose(path)
        for issue in problems_in(line, path)
    ]


def test_the_docs_name_only_paths_modules_and_headings_that_exist() -> None:
    found = problems()
    assert not found, "\n".join(["what the docs name does not exist:", *found])


if __name__ == "__main__":
    print("\n".join(problems()) or "nothing")


README = PurePosixPath("README.md")
DESIGN = SAMPLES / "docs" / "design.md"


def test_a_path_module_or_anchor_that_does_not_exist_is_named() -> None:
    assert (
        path_problem("providers/timeouts.py", DESIGN) == "no file or folder providers/timeouts.py"
    )
    assert path_problem("providers/bounds.no_such_name", DESIGN) is not None
    assert dotted_problem("providers.errors.ActionableErrorsProvider") is not None
    assert dotted_problem("providers.ActionableErrorsProvider.no_such_method") is not None
    assert link_problem("docs/design.md#no-such-heading", SAMPLES / "README.md") is not None
    assert link_problem("#the-fast-path", SAMPLES / "docs" / "failures.md") is not None


def test_real_names_and_prose_pass() -> None:
    assert path_problem("providers/errors/wrapper.request_timeout_under", DESIGN) is None
    assert path_problem("real_model/conftest.py", SAMPLES / "docs" / "tests.md") is None
    assert dotted_problem("providers.errors.wrapper.ActionableErrorsProvider") is None
    assert (
        dotted_problem("openai_agents.model_providers.providers.ollama_native.OllamaModel") is None
    )
    assert (
        link_problem(
            "docs/design.md#the-fast-path-local-activities-and-eager-start", SAMPLES / "README.md"
        )
        is None
    )
    assert (
        problems_in(
            "`ollama/gpt-oss:20b`, 12 workflows/s, `temporalio.openai_agents.testing`", README
        )
        == []
    )
