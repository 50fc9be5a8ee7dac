"""Execute the book's notebooks into its execution cache, two at a time, before the build.

Jupyter Book runs the notebooks one after another; on two cores that leaves one idle. This
script runs the notebooks whose code changed since they were last cached (all of them on a
clean build) into the same cache (``_build/.jupyter_cache``), with the timeout of
``_config.yml``: first the chapters that use every core themselves (chapter 5 trains in one
process per core), alone, then the others two at a time, each in a process of its own. The
build that follows finds them there and executes nothing. A notebook that fails is not cached:
the build then runs it again and reports the failing cell. Run by ``make book``.

A watchdog bounds each notebook's wall-clock time at ``SLACK`` times its budget (the budgets
of course-design.md). In one clean build a kernel sat idle in the middle of a notebook for ten
minutes before going on, with nothing wrong in the notebook (cause unknown); the watchdog
stops such a run (its process and the kernel) and starts it once more. A notebook that overruns
twice is left to the build, which runs it with the full per-cell timeout. So a stall costs a
few minutes, not ten, and a merely slow machine still builds.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import yaml
from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
#: Chapters that use every core on their own: they run alone, before the others.
ALONE = ("05_glu",)
#: Seconds each notebook may take on two cores (course-design.md); any other: DEFAULT_BUDGET.
BUDGETS = {"05_glu": 120, "06_evolution": 90}
DEFAULT_BUDGET = 60
#: The watchdog stops a notebook after SLACK times its budget; it is started at most TRIES times.
SLACK, TRIES = 2, 2


def notebooks() -> list[Path]:
    return sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("reference/*.ipynb"))


def execute_one(uri: str) -> int:
    """Execute one notebook into the cache in this process; 0 if it ran without error."""
    timeout = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"]
    result = load_executor("local-serial", get_cache(CACHE)).run_and_cache(
        filter_uris=[uri], timeout=timeout)
    return 0 if result.succeeded else 1


def command(path: Path) -> list[str]:
    """The command that executes one notebook into the cache."""
    return [sys.executable, __file__, "--one", str(path)]


class Run:
    """One notebook executing in a child process, with its deadline."""

    def __init__(self, path: Path, attempt: int) -> None:
        self.path, self.attempt = path, attempt
        self.limit = SLACK * BUDGETS.get(path.stem, DEFAULT_BUDGET)
        self.start = time.monotonic()
        self.log = tempfile.TemporaryFile("w+")  # the kernel's chatter, shown only on failure
        self.process = subprocess.Popen(command(path), stdout=self.log, stderr=subprocess.STDOUT)

    def seconds(self) -> float:
        return time.monotonic() - self.start

    def overdue(self) -> bool:
        return self.seconds() > self.limit

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        """Kill the child and everything it started (the kernel runs in a session of its own)."""
        try:
            family = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            family = []
        for process in [*family, psutil.Process(self.process.pid)]:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        self.process.wait()


def run_all(paths: list[Path], at_once: int) -> int:
    """Execute ``paths``, ``at_once`` at a time, under the watchdog; the number that failed."""
    waiting = [(path, 1) for path in paths]
    running: list[Run] = []
    failed = 0
    while waiting or running:
        while waiting and len(running) < at_once:
            running.append(Run(*waiting.pop(0)))
        time.sleep(0.5)
        for run in list(running):
            name = run.path.name
            if run.process.poll() is not None:
                running.remove(run)
                ok = run.process.returncode == 0
                failed += not ok
                print(f"{name}: {'executed' if ok else 'failed'} in {run.seconds():.0f} s"
                      + ("" if ok else ":\n" + run.output()), flush=True)
            elif run.overdue():
                running.remove(run)
                run.stop()
                again = run.attempt < TRIES
                print(f"{name}: stopped after {run.seconds():.0f} s (limit {run.limit} s); "
                      + ("starting it again" if again else "left to the build"), flush=True)
                if again:
                    waiting.append((run.path, run.attempt + 1))
                else:
                    failed += 1
    return failed


def main() -> int:
    if sys.argv[1:2] == ["--one"]:
        return execute_one(sys.argv[2])
    cache = get_cache(CACHE)
    for path in notebooks():
        cache.add_nb_to_project(str(path))
    stale = {Path(record.uri) for record in cache.list_unexecuted()}
    todo = [path for path in notebooks() if path in stale]
    failed = run_all([p for p in todo if p.stem in ALONE], 1)
    failed += run_all([p for p in todo if p.stem not in ALONE], 2)
    print(f"notebooks executed into the cache; {failed} failed (the build will show why)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
