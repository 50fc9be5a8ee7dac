"""Fetch the browser libraries the site serves itself (site/vendor.txt) into _vendor/.

MathJax (typesetting), require.js and the Jupyter widget manager (embedded widgets) come as
pinned npm tarballs, fetched with ``npm pack``, checked against their SHA-256 and unpacked;
only the files the site needs are copied. Sphinx copies _vendor/ into the site's _static/
(``html_static_path``). Not into _static/ itself: Jupyter Book would add every .js file there
to every page. Runs wherever Python and npm do (Linux, macOS, Windows): ``python site/vendor.py``.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE, DEST = ROOT / "_build" / "vendor-cache", ROOT / "_vendor"

#: For each package, the files and folders to copy, from the package folder to _vendor/.
COPY = {
    "mathjax": {"es5/tex-chtml.js": "mathjax/tex-chtml.js",
                "es5/output/chtml/fonts": "mathjax/output/chtml/fonts",
                "es5/input/tex/extensions": "mathjax/input/tex/extensions",
                "es5/ui": "mathjax/ui", "es5/a11y": "mathjax/a11y"},
    "requirejs": {"require.js": "require.js"},
    "@jupyter-widgets/html-manager": {"dist/embed-amd.js": "html-manager/embed-amd.js",
                                      "dist/*.woff": "html-manager", "dist/*.woff2": "html-manager",
                                      "dist/*.ttf": "html-manager", "dist/*.eot": "html-manager",
                                      "dist/*.svg": "html-manager"},
}


def pins() -> list[tuple[str, str]]:
    """(package@version, sha256) for each line of site/vendor.txt."""
    lines = (ROOT / "site" / "vendor.txt").read_text().splitlines()
    return [tuple(line.split()) for line in lines if line.strip() and not line.startswith("#")]


def fetch(spec: str, sha256: str) -> Path:
    """The unpacked package folder of ``spec``, after checking its tarball's checksum."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("site/vendor.py needs npm (Node.js) to fetch MathJax and the widget manager")
    CACHE.mkdir(parents=True, exist_ok=True)
    name = subprocess.run([npm, "pack", spec, "--silent"], cwd=CACHE, check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]
    tarball = CACHE / name
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != sha256:
        sys.exit(f"checksum mismatch for {spec}: {digest}, expected {sha256}")
    folder = CACHE / name.removesuffix(".tgz")
    shutil.rmtree(folder, ignore_errors=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package"


def copy(package: Path, source: str, target: str) -> None:
    """Copy one file, folder or glob of ``package`` to ``_vendor/target``."""
    sources = sorted(package.glob(source)) if "*" in source else [package / source]
    if not sources or not all(s.exists() for s in sources):
        sys.exit(f"{package.parent.name} has no {source}")
    for item in sources:
        to = DEST / target / item.name if "*" in source else DEST / target
        to.parent.mkdir(parents=True, exist_ok=True)
        if item.is_dir():
            shutil.copytree(item, to)
        else:
            shutil.copy2(item, to)


def main() -> None:
    shutil.rmtree(DEST, ignore_errors=True)
    for spec, sha256 in pins():
        name = spec.rpartition("@")[0]
        if name not in COPY:
            sys.exit(f"site/vendor.py does not know what to copy from {spec}")
        package = fetch(spec, sha256)
        for source, target in COPY[name].items():
            copy(package, source, target)
    size = sum(f.stat().st_size for f in DEST.rglob("*") if f.is_file())
    print(f"_vendor: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
