"""``python -m numtorch``: run an unmodified PyTorch script on numtorch.

``import torch`` gives the ``numtorch`` package itself, and ``import torch.a.b`` /
``from torch.a.b import x`` give ``numtorch.a.b`` (the same module objects, never a second copy).
A ``torch.*`` module that numtorch lacks raises ``ModuleNotFoundError`` naming both names.

This module never imports the real PyTorch.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys
import types

USAGE = """\
usage: python -m numtorch SCRIPT [ARGS...]
       python -m numtorch -c CODE [ARGS...]
       python -m numtorch -m MODULE [ARGS...]

Run an unmodified PyTorch program on numtorch: `import torch` and `import torch.xyz`
resolve to `numtorch` and `numtorch.xyz`. The program runs as __main__ with
sys.argv = [SCRIPT, *ARGS] (['-c', *ARGS] for -c) and the script's directory first on
sys.path; its exit status is this command's exit status.

options:
  -h, --help   show this message and exit
  -c CODE      run CODE (a string) instead of a script
  -m MODULE    run library module MODULE as a script, like `python -m MODULE`
"""

ALIAS = "torch"
TARGET = "numtorch"


class TorchAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Meta-path finder mapping ``<alias>[.a.b]`` to the already-importable ``<target>[.a.b]``."""

    def __init__(self, alias: str = ALIAS, target: str = TARGET):
        self.alias = alias
        self.target = target

    def _real_name(self, fullname: str) -> str | None:
        if fullname == self.alias:
            return self.target
        if fullname.startswith(self.alias + "."):
            return self.target + fullname[len(self.alias):]
        return None

    def find_spec(self, fullname, path=None, target=None):
        real = self._real_name(fullname)
        if real is None:
            return None
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as e:
            if e.name != real:  # something the target module itself imports is missing
                raise
            # A module object reachable as an attribute (e.g. `numtorch.linalg = _linalg`) counts.
            parent, _, leaf = real.rpartition(".")
            module = getattr(sys.modules.get(parent), leaf, None) if parent else None
            if not isinstance(module, types.ModuleType):
                raise ModuleNotFoundError(
                    f"No module named {fullname!r} ({self.target} has no module {real!r}; "
                    f"`{self.alias}` is {self.target} under `python -m {self.target}`)",
                    name=fullname,
                ) from None
        spec = importlib.util.spec_from_loader(fullname, self)
        spec._nt_module = module
        spec._nt_orig_spec = getattr(module, "__spec__", None)
        return spec

    def create_module(self, spec):
        return spec._nt_module

    def exec_module(self, module):
        # importlib sets __spec__ to our alias spec unconditionally; give the module its own back.
        alias_spec = getattr(module, "__spec__", None)
        if getattr(alias_spec, "_nt_module", None) is module:
            try:
                module.__spec__ = alias_spec._nt_orig_spec
            except (AttributeError, TypeError):
                pass


def install_alias(alias: str = ALIAS, target: str = TARGET) -> TorchAliasFinder:
    """Make ``import <alias>[.x]`` give ``<target>[.x]``; returns the finder (see `uninstall_alias`).

    Idempotent. The finder goes first on ``sys.meta_path`` so that the ordinary path finder never
    loads a second copy of a ``<target>`` submodule under the alias name.
    """
    for finder in sys.meta_path:
        if isinstance(finder, TorchAliasFinder) and finder.alias == alias and finder.target == target:
            break
    else:
        finder = TorchAliasFinder(alias, target)
        sys.meta_path.insert(0, finder)
    sys.modules[alias] = importlib.import_module(target)
    # Submodules imported already (numtorch's own imports) get their alias names right away.
    prefix = target + "."
    for name, module in list(sys.modules.items()):
        if name.startswith(prefix) and module is not None:
            sys.modules.setdefault(alias + name[len(target):], module)
    return finder


def uninstall_alias(finder: TorchAliasFinder) -> None:
    """Undo `install_alias` (for tests): remove the finder and every ``<alias>[.x]`` entry it made."""
    if finder in sys.meta_path:
        sys.meta_path.remove(finder)
    for name in [n for n in sys.modules if n == finder.alias or n.startswith(finder.alias + ".")]:
        real = finder._real_name(name)
        if sys.modules[name] is sys.modules.get(real):
            del sys.modules[name]


def _set_path0(directory: str) -> None:
    # Like `python SCRIPT`: the script's directory replaces the entry `-m` put first (the cwd).
    # Under -P (safe_path) Python adds neither, so neither do we.
    if getattr(sys.flags, "safe_path", False):
        return
    if sys.path:
        sys.path[0] = directory
    else:
        sys.path.insert(0, directory)


def _run_code(code: str) -> None:
    main = types.ModuleType("__main__")
    main.__builtins__ = __builtins__
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = main
    try:
        exec(compile(code, "<string>", "exec"), main.__dict__)
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m numtorch``. Returns the exit status (the program's SystemExit
    propagates unchanged, so ``sys.exit(3)`` in the script exits 3)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        sys.stderr.write(USAGE)
        return 2
    first = argv[0]
    if first in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return 0
    if first in ("-c", "-m"):
        if len(argv) < 2:
            sys.stderr.write(f"numtorch: argument {first} needs a value\n\n{USAGE}")
            return 2
        install_alias()
        if first == "-c":
            sys.argv = ["-c", *argv[2:]]
            _run_code(argv[1])
        else:
            sys.argv = [argv[1], *argv[2:]]  # runpy sets argv[0] to the module's file
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return 0
    if first == "--":
        argv = argv[1:]
        if not argv:
            sys.stderr.write(USAGE)
            return 2
    elif first.startswith("-"):
        sys.stderr.write(f"numtorch: unknown option {first!r}\n\n{USAGE}")
        return 2
    script = argv[0]
    if not os.path.exists(script):
        sys.stderr.write(f"numtorch: can't open file {script!r}: no such file\n")
        return 2
    install_alias()
    sys.argv = [script, *argv[1:]]
    _set_path0(os.path.dirname(os.path.realpath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0
