"""Execute the book's notebooks into its execution cache, two at a time, before the build.

Jupyter Book runs the notebooks one after another; on two cores that leaves one idle. This
script runs the notebooks whose code changed since they were last cached (all of them on a
clean build) into the same cache (``_build/.jupyter_cache``): first the chapters that use every
core themselves (chapter 5 trains in one process per core), alone, then the others two at a
time, each in a process of its own. The build that follows finds them there and executes
nothing. Run by ``make book``.

Each notebook may take ``SLACK`` times its budget (the budgets of course-design.md), per cell
and in all. Why a limit of our own: in one clean build a cell's reply sat unread for ten
minutes (kernel and executor both idle) and the notebook then finished as if nothing had
happened, 600 s late. The likeliest cause: the executor (nbclient) waits for a reply with
asyncio and pyzmq, whose wake-ups ride on an edge-triggered socket signal; when one is missed,
the wait ends only at the cell timeout (600 s, ``_config.yml``), and the last look pyzmq takes
then finds the reply. Here the cell timeout is the notebook's limit, and a watchdog stops a
run that passes it in all (process and kernel). A notebook that fails or is stopped is started
once more; failing again, it is left to the build, which runs it with the full timeout and
reports the failing cell. So a lost wake-up costs a minute or two, not ten, and a merely slow
machine still builds.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from jupyter_cache import get_cache
from jupyter_cache.executors.utils import create_cache_bundle, single_nb_execution

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
#: Chapters that use every core on their own: they run alone, before the others.
ALONE = ("05_glu",)
#: Seconds each notebook may take on two cores (course-design.md); any other: DEFAULT_BUDGET.
BUDGETS = {"05_glu": 120, "06_evolution": 90}
DEFAULT_BUDGET = 60
#: A notebook may take SLACK times its budget; it is started at most TRIES times.
SLACK, TRIES = 2, 2


def limit(path: Path) -> int:
    """Seconds ``path`` may take, per cell and in all."""
    return SLACK * BUDGETS.get(path.stem, DEFAULT_BUDGET)


def notebooks() -> list[Path]:
    return sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("reference/*.ipynb"))


def execute_one(path: Path) -> int:
    """Execute one notebook into the cache in this process; 0 if it ran without error.

    Output that arrives too late for its cell fails the run, rather than caching a page
    without it.
    """
    cache = get_cache(CACHE)
    notebook = cache.get_project_notebook(str(path))
    result = single_nb_execution(notebook.nb, cwd=str(path.parent), timeout=limit(path),
                                 allow_errors=False, raise_on_iopub_timeout=True)
    if result.err:
        print(result.exc_string)
        return 1
    cache.cache_notebook_bundle(
        create_cache_bundle(notebook, None, None, result.time, None), check_validity=False,
        overwrite=True)
    return 0


def command(path: Path) -> list[str]:
    """The command that executes one notebook into the cache."""
    return [sys.executable, __file__, "--one", str(path)]


class Run:
    """One notebook executing in a child process, with its deadline."""

    def __init__(self, path: Path, attempt: int) -> None:
        self.path, self.attempt = path, attempt
        self.limit = limit(path)
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
        for run in [run for run in running if run.process.poll() is not None or run.overdue()]:
            running.remove(run)
            if run.process.poll() is None:
                run.stop()
                outcome = f"stopped after {run.seconds():.0f} s (limit {run.limit} s)"
            elif run.process.returncode == 0:
                print(f"{run.path.name}: executed in {run.seconds():.0f} s", flush=True)
                continue
            else:
                outcome = f"failed after {run.seconds():.0f} s"
                print(run.output(), flush=True)
            again = run.attempt < TRIES
            print(f"{run.path.name}: {outcome}; "
                  + ("starting it again" if again else "left to the build"), flush=True)
            if again:
                waiting.append((run.path, run.attempt + 1))
            else:
                failed += 1
    return failed


def main() -> int:
    if sys.argv[1:2] == ["--one"]:
        return execute_one(Path(sys.argv[2]))
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
