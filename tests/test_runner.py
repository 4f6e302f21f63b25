"""`python -m numtorch SCRIPT`: torch -> numtorch aliasing, argv, sys.path, exit status.

Each test runs a fresh interpreter. The alias mechanism itself is also tested on a stub package
(`install_alias("faketorch", "stubpkg")`), so those tests do not depend on numtorch's contents.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args, cwd, **kw):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.pop("PYTHONSAFEPATH", None)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, **kw)


def write(path, source):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def test_help(tmp_path):
    for flag in ("--help", "-h"):
        p = run(["-m", "numtorch", flag], tmp_path)
        assert p.returncode == 0, p.stderr
        assert "usage: python -m numtorch SCRIPT" in p.stdout


def test_no_arguments_is_a_usage_error(tmp_path):
    p = run(["-m", "numtorch"], tmp_path)
    assert p.returncode == 2
    assert "usage:" in p.stderr


def test_missing_script(tmp_path):
    p = run(["-m", "numtorch", "nope.py"], tmp_path)
    assert p.returncode == 2
    assert "nope.py" in p.stderr


def test_script_runs_as_main_with_argv_and_path(tmp_path):
    write(tmp_path / "prog" / "helper.py", "VALUE = 42\n")
    script = write(tmp_path / "prog" / "main.py", """
        import json, sys
        import torch
        import numtorch
        import helper  # found because the script's directory is sys.path[0]
        print(json.dumps({
            "name": __name__,
            "argv": sys.argv,
            "path0": sys.path[0],
            "alias": torch is numtorch,
            "torch_name": torch.__name__,
            "helper": helper.VALUE,
        }))
    """)
    p = run(["-m", "numtorch", "prog/main.py", "a", "--flag", "-c", "x y"], tmp_path)
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout.strip().splitlines()[-1])
    assert got == {
        "name": "__main__",
        "argv": ["prog/main.py", "a", "--flag", "-c", "x y"],
        "path0": str(script.parent.resolve()),
        "alias": True,
        "torch_name": "numtorch",
        "helper": 42,
    }


def test_exit_status_propagates(tmp_path):
    write(tmp_path / "exit3.py", "import sys\nsys.exit(3)\n")
    write(tmp_path / "boom.py", "raise ValueError('boom')\n")
    write(tmp_path / "ok.py", "print('ok')\n")
    assert run(["-m", "numtorch", "exit3.py"], tmp_path).returncode == 3
    p = run(["-m", "numtorch", "boom.py"], tmp_path)
    assert p.returncode == 1
    assert "ValueError: boom" in p.stderr
    p = run(["-m", "numtorch", "ok.py"], tmp_path)
    assert (p.returncode, p.stdout) == (0, "ok\n")


def test_dash_c(tmp_path):
    code = "import sys, torch; print(__name__, torch.__name__, sys.argv)"
    p = run(["-m", "numtorch", "-c", code, "x", "--y"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "__main__ numtorch ['-c', 'x', '--y']"
    assert run(["-m", "numtorch", "-c", "raise SystemExit(4)"], tmp_path).returncode == 4


def test_dash_m(tmp_path):
    write(tmp_path / "mymod.py", """
        import sys, torch
        if __name__ == "__main__":
            print(torch.__name__, sys.argv[1:])
    """)
    p = run(["-m", "numtorch", "-m", "mymod", "a"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "numtorch ['a']"


def test_submodules_are_numtorch_submodules(tmp_path):
    write(tmp_path / "sub.py", """
        import sys
        import torch._runner
        import numtorch._runner
        from torch._runner import main
        assert torch._runner is numtorch._runner
        assert sys.modules["torch._runner"] is numtorch._runner
        assert main is numtorch._runner.main
        assert numtorch._runner.__spec__.name == "numtorch._runner"
        print("ok")
    """)
    p = run(["-m", "numtorch", "sub.py"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "ok"


def test_missing_submodule_is_named(tmp_path):
    write(tmp_path / "missing.py", """
        try:
            import torch.no_such_module_xyz
        except ModuleNotFoundError as e:
            print(e.name)
            print(e)
    """)
    p = run(["-m", "numtorch", "missing.py"], tmp_path)
    assert p.returncode == 0, p.stderr
    name, message = p.stdout.strip().splitlines()
    assert name == "torch.no_such_module_xyz"
    assert "'torch.no_such_module_xyz'" in message and "numtorch.no_such_module_xyz" in message


def test_runner_does_not_import_real_torch(tmp_path):
    code = textwrap.dedent("""
        import sys, torch
        real = [n for n, m in list(sys.modules.items())
                if (n == "torch" or n.startswith("torch."))
                and not getattr(m, "__name__", "").startswith("numtorch")]
        print(real)
    """)
    p = run(["-m", "numtorch", "-c", code], tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


STUB_TEST = """
    import sys
    from numtorch._runner import install_alias, uninstall_alias

    finder = install_alias("faketorch", "stubpkg")
    assert install_alias("faketorch", "stubpkg") is finder          # idempotent
    assert sum(f is finder for f in sys.meta_path) == 1

    import faketorch
    import stubpkg
    assert faketorch is stubpkg

    import faketorch.sub.leaf                                       # dotted submodule
    from faketorch.sub import leaf
    import stubpkg.sub.leaf
    assert faketorch.sub.leaf is stubpkg.sub.leaf is leaf
    assert leaf.__name__ == "stubpkg.sub.leaf"
    assert leaf.__spec__.name == "stubpkg.sub.leaf"                 # its own spec, not the alias's

    import faketorch.attrmod                                        # a module held as an attribute
    assert faketorch.attrmod is stubpkg.attrmod

    try:
        import faketorch.absent
    except ModuleNotFoundError as e:
        assert e.name == "faketorch.absent", e.name
        assert "stubpkg.absent" in str(e)
    else:
        raise AssertionError("no error")

    try:
        import faketorch.broken                                     # imports a missing dependency
    except ModuleNotFoundError as e:
        assert e.name == "no_such_dependency_xyz", e.name
    else:
        raise AssertionError("no error")

    uninstall_alias(finder)
    assert finder not in sys.meta_path
    assert "faketorch" not in sys.modules and "faketorch.sub.leaf" not in sys.modules
    print("ok")
"""


def test_alias_mechanism_on_stub_package(tmp_path):
    write(tmp_path / "stubpkg" / "__init__.py", """
        import types
        attrmod = types.ModuleType("stubpkg.attrmod")
    """)
    write(tmp_path / "stubpkg" / "sub" / "__init__.py", "")
    write(tmp_path / "stubpkg" / "sub" / "leaf.py", "X = 1\n")
    write(tmp_path / "stubpkg" / "broken.py", "import no_such_dependency_xyz\n")
    write(tmp_path / "stubtest.py", STUB_TEST)
    p = run(["stubtest.py"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "ok"
