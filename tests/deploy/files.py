"""Readers for the deployment files (Dockerfile, compose.yaml, deploy/nginx.conf, the Makefile,
.dockerignore), so tests can check them without Docker, plus what the app's source reads."""

from __future__ import annotations

import ast
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# The code that runs in the app's process and in `python -m kpi` (not the tests, not the bench).
APP_SOURCES = ("app.py", "kpi/**/*.py", "views/**/*.py", "scripts/*.py")


# --- the source --------------------------------------------------------------------------------


def settings_read_by_the_source(root: Path = ROOT) -> set[str]:
    """Every COMMITBOARD_* name that the app's code holds as a string of its own (what it passes
    to os.environ or settings.get); sentences that merely mention one are not counted."""
    names: set[str] = set()
    for pattern in APP_SOURCES:
        for path in root.glob(pattern):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if re.fullmatch(r"COMMITBOARD_[A-Z0-9_]+", node.value):
                        names.add(node.value)
    return names


def routes_of_serve_py(root: Path = ROOT) -> set[str]:
    """The paths of the routes scripts/serve.py adds to its st.App (`routes=[Route("/x", ...)]`)."""
    tree = ast.parse((root / "scripts" / "serve.py").read_text())
    paths: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "st.App":
            for keyword in node.keywords:
                if keyword.arg == "routes" and isinstance(keyword.value, ast.List):
                    for route in keyword.value.elts:
                        first = route.args[0] if isinstance(route, ast.Call) else None
                        if isinstance(first, ast.Constant):
                            paths.add(first.value)
    return paths


# --- Dockerfile -----------------------------------------------------------------------------------


def dockerfile(root: Path = ROOT) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; continuation lines joined, comments dropped."""
    lines = [
        line
        for line in (root / "Dockerfile").read_text().splitlines()
        if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    steps = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, rest = line.strip().partition(" ")
            steps.append((instruction.upper(), rest.strip()))
    return steps


def exec_form(arguments: str) -> list[str]:
    """A JSON-array command (CMD ["python", ...]) as a list; shell form split like a shell."""
    arguments = arguments.strip()
    return json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)


def option(argv: list[str], name: str) -> str | None:
    """The value after `name` in an argv (`--server.port 8501` or `--server.port=8501`)."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


# --- Makefile -------------------------------------------------------------------------------------


def make_recipe(target: str, root: Path = ROOT) -> tuple[list[str], list[str]]:
    """A Makefile rule's prerequisites and recipe lines."""
    lines = (root / "Makefile").read_text().splitlines()
    for i, line in enumerate(lines):
        if re.match(rf"^{re.escape(target)}\s*:(?!=)", line):
            prerequisites = line.split(":", 1)[1].split("|")[0].split()
            recipe = []
            for following in lines[i + 1 :]:
                if not following.startswith("\t"):
                    break
                recipe.append(following.strip())
            return prerequisites, recipe
    raise KeyError(f"no rule for {target} in the Makefile")


def requirements_files(command: str) -> list[str]:
    """The files a `pip install ... -r FILE` command installs."""
    argv = shlex.split(command)
    return [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg in ("-r", "--requirement")]


# --- compose.yaml ---------------------------------------------------------------------------------


def compose(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "compose.yaml").read_text())


def app_services(spec: dict) -> dict[str, dict]:
    """The services that run the app's image (built from this folder's Dockerfile), by name,
    started by `docker compose up` (no profile)."""
    return {
        name: service
        for name, service in spec["services"].items()
        if service.get("build") in (".", "./") and not service.get("profiles")
    }


def mounts(service: dict) -> dict[str, str]:
    """A service's volume mounts, target -> source (short syntax)."""
    found = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        found[target] = source
    return found


def conninfo(db: str) -> dict[str, str]:
    """`ducklake:postgres:dbname=x host=y` -> {"dbname": "x", "host": "y"}."""
    prefix = "ducklake:postgres:"
    assert db.startswith(prefix), db
    return dict(pair.split("=", 1) for pair in shlex.split(db[len(prefix) :]))


# --- nginx ----------------------------------------------------------------------------------------


@dataclass
class Directive:
    name: str
    args: list[str]
    children: list[Directive] = field(default_factory=list)

    def all(self, name: str) -> list[Directive]:
        """Every directive of this name in the block, at any depth."""
        found = []
        for child in self.children:
            if child.name == name:
                found.append(child)
            found += child.all(name)
        return found

    def one(self, name: str) -> Directive:
        found = [child for child in self.children if child.name == name]
        assert len(found) == 1, f"{len(found)} x {name} in {self.name} {' '.join(self.args)}"
        return found[0]


def nginx(path: Path = ROOT / "deploy" / "nginx.conf") -> Directive:
    """The configuration as a tree of directives (nginx's syntax: words, quoted strings,
    `;` ends a directive, `{ }` a block, `#` a comment to the end of the line)."""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|#[^\n]*|[{};]|[^\s{};]+', path.read_text())
    root = Directive("main", [])
    stack, words = [root], []
    for token in tokens:
        if token.startswith("#"):
            continue
        if token == ";":
            stack[-1].children.append(Directive(words[0], words[1:]))
            words = []
        elif token == "{":
            block = Directive(words[0], words[1:])
            stack[-1].children.append(block)
            stack.append(block)
            words = []
        elif token == "}":
            stack.pop()
        else:
            words.append(token[1:-1] if token[0] in "\"'" else token)
    assert len(stack) == 1 and not words, "unbalanced braces or a directive without ;"
    return root


def nginx_seconds(value: str) -> float:
    """nginx's time syntax (`90`, `60s`, `5m`, `1h`, `1d`, `1h 30m`) in seconds."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "": 1}
    return sum(
        float(number) * units[unit] for number, unit in re.findall(r"(\d+)(ms|s|m|h|d|w|)", value)
    )


# --- .dockerignore --------------------------------------------------------------------------------


def dockerignored(path: str, root: Path = ROOT) -> bool:
    """Whether Docker leaves `path` (relative, with /) out of the build context: the last
    pattern that matches the path or one of its parent folders decides; `!` keeps it."""
    patterns = [
        line.strip()
        for line in (root / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        keep = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        if any(_docker_match(pattern, prefix) for prefix in prefixes):
            ignored = not keep
    return ignored


def _docker_match(pattern: str, path: str) -> bool:
    # Docker's matching is per path segment (`*` and `?` never cross a /); `**` is any number of
    # segments.
    regex = []
    for segment in pattern.split("/"):
        if segment == "**":
            regex.append("(?:[^/]+/)*")
            continue
        translated = "".join(
            "[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in segment
        )
        regex.append(translated + "/")
    return re.fullmatch("".join(regex).removesuffix("/"), path) is not None
