"""The README's set-up commands are the ones CI runs, verbatim."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Set-up\n(.*?)(?=^## )", text, re.S | re.M)
    assert section, "README.md has no '## Set-up' section"
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", section.group(1), re.S)
    assert block, "the Set-up section has no code block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def ci_lines():
    return [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]


def test_setup_has_two_commands():
    install, test = setup_commands()
    assert install.startswith("pip install -e . && python -m numtorch examples/tour.py")
    assert test.startswith("pip install -e '.[test]' && ") and "pytest" in test


def test_ci_runs_readme_commands_verbatim():
    lines = ci_lines()
    for command in setup_commands():
        assert command in lines, f"README set-up command not run verbatim by .ci/run: {command}"


def test_ci_install_runs_before_tests():
    lines = ci_lines()
    install, test = setup_commands()
    assert lines.index(install) < lines.index(test)


def test_ci_fails_on_no_tests():
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in text
    assert re.search(r"^\s*5\)\s*die", text, re.M), ".ci/run must treat pytest exit 5 as failure"
