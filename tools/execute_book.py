"""Execute the book's notebooks into its execution cache, two at a time, before the build.

Jupyter Book runs the notebooks one after another; on two cores that leaves one idle. This
script runs the notebooks whose code changed since they were last cached (all of them on a
clean build) into the same cache (``_build/.jupyter_cache``), with the timeout of
``_config.yml``: first the chapters that use every core themselves (chapter 5 trains in one
process per core), alone, then the others two at a time. The build that follows finds them
there and executes nothing. A notebook that fails is not cached: the build then runs it again
and reports the failing cell. Run by ``make book``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
#: Chapters that use every core on their own: they run alone, before the others.
ALONE = ("05_glu",)


def notebooks() -> list[Path]:
    return sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("reference/*.ipynb"))


def main() -> int:
    timeout = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"]
    cache = get_cache(CACHE)
    paths = notebooks()
    for path in paths:
        cache.add_nb_to_project(str(path))
    alone = [str(p) for p in paths if p.stem in ALONE]
    together = [str(p) for p in paths if p.stem not in ALONE]
    failed = 0
    for executor, uris in [("local-serial", alone), ("local-parallel", together)]:
        if not uris:
            continue
        result = load_executor(executor, cache).run_and_cache(filter_uris=uris, timeout=timeout)
        failed += len(result.excepted) + len(result.errored)
    print(f"notebooks executed into the cache; {failed} failed (the build will show why)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
