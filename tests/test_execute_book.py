"""The watchdog of tools/execute_book.py: a stalled notebook is stopped, kernel included."""

import importlib.util
import re
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def _execute_book():
    spec = importlib.util.spec_from_file_location("execute_book", ROOT / "tools/execute_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# A child that starts a grandchild in a session of its own, as nbclient starts a kernel, writes
# the grandchild's pid to a file and then waits for ever.
STALL = """
import subprocess, sys, time
kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                          start_new_session=True)
open(sys.argv[1], "a").write(f"{kernel.pid}\\n")
time.sleep(600)
"""


def test_a_stalled_notebook_is_stopped_with_its_kernel_tried_again_then_left(
        tmp_path, monkeypatch, capsys):
    book = _execute_book()
    pids = tmp_path / "pids"
    monkeypatch.setattr(book, "DEFAULT_BUDGET", 1)
    monkeypatch.setattr(book, "command", lambda path: [sys.executable, "-c", STALL, str(pids)])
    start = time.monotonic()
    failed = book.run_all([tmp_path / "stalls.ipynb"], at_once=2)
    assert failed == 1
    assert time.monotonic() - start < 20
    out = capsys.readouterr().out
    stopped = r"stalls.ipynb: stopped after [23] s \(limit 2 s\); "
    assert re.search(stopped + "starting it again", out)
    assert re.search(stopped + "left to the build", out)
    kernels = [int(pid) for pid in pids.read_text().split()]
    assert len(kernels) == book.TRIES
    time.sleep(0.2)
    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"
                   for pid in kernels)


def test_a_failing_notebook_is_tried_again_with_its_output_shown(tmp_path, monkeypatch, capsys):
    book = _execute_book()
    fails = "print('the kernel said why'); raise SystemExit(1)"
    code = {"good.ipynb": "pass", "bad.ipynb": fails}
    monkeypatch.setattr(book, "command", lambda path: [sys.executable, "-c", code[path.name]])
    failed = book.run_all([tmp_path / "good.ipynb", tmp_path / "bad.ipynb"], at_once=2)
    assert failed == 1
    out = capsys.readouterr().out
    assert re.search(r"good.ipynb: executed in \d+ s", out)
    assert re.search(r"bad.ipynb: failed after \d+ s; starting it again", out)
    assert re.search(r"bad.ipynb: failed after \d+ s; left to the build", out)
    assert out.count("the kernel said why") == book.TRIES
