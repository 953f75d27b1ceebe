"""The rules engine's hot modules (and the store's bulk event reader) compiled to C with mypyc,
and how to tell whether they are.

mypyc (part of mypy) compiles typed Python modules into a C extension that Python imports in
place of the ``.py`` file beside it. The source is the same either way, and so is every
answer; the compiled engine evaluates a case in a fifth to a quarter less time, which is
what a due list of 100,000 cases or an office's cold team list waits on (``bench/``).

``make`` builds the extension (``python -m omtui.compiled --build``) and builds it again when
a domain module or the event reader changes. Where it cannot be built (no C compiler, say)
the ``.py`` files run. ``OMTUI_PURE_PYTHON=1`` runs the ``.py`` files even where the extension
is built: tracebacks with line numbers, a debugger, or comparing the two.

What stays Python, and why: the working-day calendar (a compiled class cannot be weakly
referenced, and the engine's memo is keyed weakly by calendar); the case model (a compiled
Event made the store's reading of an office's cases slower: 170 -> 190 us a case, measured);
due items (their deferred trace is a descriptor set on the class); and the case-file reader
(it meets untrusted input, and compiled code checks argument types as it runs: a wrong
annotation there would be a TypeError instead of a message at the field).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

#: The modules mypyc compiles (one extension, so their calls to each other are C calls).
MODULES = (
    "omtui.domain.agenda",
    "omtui.domain.enforcement",
    "omtui.domain.rules.evaluate",
    "omtui.domain.schedule",
    "omtui.store.event_rows",
)
#: Set (to anything but "" or "0") to run the .py files even where the extension is built.
PURE_ENV = "OMTUI_PURE_PYTHON"

_SRC = Path(__file__).resolve().parent.parent      # the folder that holds the omtui package


def source_path(name: str, src: Path = _SRC) -> Path:
    return src.joinpath(*name.split(".")).with_suffix(".py")


def extension_path(name: str, src: Path = _SRC) -> Path | None:
    """The built extension of module ``name`` beside its source, if there is one."""
    base = source_path(name, src).with_suffix("")
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = base.with_name(base.name + suffix)
        if path.exists():
            return path
    return None


def extensions(src: Path = _SRC) -> list[Path]:
    """Every compiled extension in the package, and mypyc's shared library beside it."""
    found = [p for suffix in importlib.machinery.EXTENSION_SUFFIXES
             for p in (src / "omtui").rglob("*" + suffix)]
    return sorted(set(found) | set(src.glob("*__mypyc.*")))


def stale(src: Path = _SRC, modules: Sequence[str] = MODULES) -> list[str]:
    """Modules whose extension is older than their source, or is left from a build of
    other modules: Python would import the old compiled code, not what the file says
    (``make`` builds it again)."""
    out = []
    for name in modules:
        ext = extension_path(name, src)
        if ext is not None and ext.stat().st_mtime < source_path(name, src).stat().st_mtime:
            out.append(name)
    ours = {extension_path(name, src) for name in modules}
    for ext in extensions(src):
        if ext.parent != src and ext not in ours:
            out.append(".".join(ext.relative_to(src).parts[:-1] + (ext.name.split(".")[0],)))
    return out


def running_compiled(modules: Sequence[str] = MODULES) -> list[str]:
    """Which of ``modules``, imported in this process, run from their compiled extension."""
    found = []
    for name in modules:
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None) or ""
        if module is not None and not origin.endswith(".py"):
            found.append(name)
    return found


def engine_state() -> str:
    """Whether this process runs the rules engine compiled, in a few words (the benches
    print it beside their figures)."""
    for name in MODULES:
        importlib.import_module(name)
    running = running_compiled()
    if len(running) == len(MODULES):
        return "rules engine compiled (mypyc)"
    if not running:
        return "rules engine as Python (not compiled)"
    return f"rules engine partly compiled ({', '.join(running)})"


class _PureFinder(importlib.abc.MetaPathFinder):
    """Finds the compiled modules' ``.py`` files (never the extension beside them)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in MODULES:
            return None
        source = source_path(fullname)
        if not source.exists():
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def use_pure_python() -> None:
    """From now on, import the compiled modules from their ``.py`` files (call it before
    they are first imported: ``omtui/__init__`` does, when OMTUI_PURE_PYTHON is set)."""
    if not any(isinstance(f, _PureFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _PureFinder())


def pure_python_asked(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    return environ.get(PURE_ENV, "") not in ("", "0")


def build(src: Path = _SRC) -> int:
    """Compile :data:`MODULES` in place with mypyc (which type-checks them first). Returns the
    exit code; on failure the ``.py`` files go on running."""
    mypyc = shutil.which("mypyc", path=str(Path(sys.executable).parent)) or shutil.which("mypyc")
    if mypyc is None:
        print("omtui: mypyc is not installed; the rules engine runs as plain Python",
              file=sys.stderr)
        return 1
    for ext in extensions(src):        # an old build must not outlive a failed one
        ext.unlink()
    files = [str(source_path(name, src).relative_to(src)) for name in MODULES]
    # mypyc writes its C and objects under build/ of the folder it runs in, and puts each
    # extension beside its module; the shared runtime library goes in that folder too.
    done = subprocess.run([mypyc, "--ignore-missing-imports", *files], cwd=src,
                          stdout=subprocess.DEVNULL, check=False)
    shutil.rmtree(src / "build", ignore_errors=True)
    if done.returncode != 0:
        for ext in extensions(src):    # nothing half built
            ext.unlink()
        print("omtui: compiling the rules engine failed (above); it runs as plain Python",
              file=sys.stderr)
    return done.returncode


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--build"]:
        return build()
    if args:
        print("usage: python -m omtui.compiled [--build]", file=sys.stderr)
        return 2
    print(engine_state())
    running = set(running_compiled())
    old = set(stale())
    for name in MODULES:
        state = "compiled" if name in running else "Python"
        print(f"{name}: {state}{' (extension older than its source)' if name in old else ''}")
    for name in sorted(old - set(MODULES)):
        print(f"{name}: extension left from an earlier build (make compile removes it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
