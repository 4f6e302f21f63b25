"""The tour (README set-up command 1) prints under numtorch exactly what it prints under torch."""
from __future__ import annotations

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOUR = os.path.join(ROOT, "examples", "tour.py")


def _run(*args):
    r = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def test_tour_matches_torch():
    ours = _run("-m", "numtorch", TOUR)
    theirs = _run(TOUR)
    # the one honest difference: numtorch's Tensor class is numtorch.Tensor
    ours = re.sub(r"\bnumtorch\b", "torch", ours)
    assert ours.splitlines() == theirs.splitlines()
