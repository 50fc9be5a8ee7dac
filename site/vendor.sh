#!/usr/bin/env bash
# Fetch the pinned npm tarballs in site/vendor.txt, check their sha256, and copy the files the
# site needs into _vendor/: MathJax (typesetting), require.js and the Jupyter widget manager
# (embedded widgets). Sphinx copies _vendor/ into the site's _static/ (html_static_path). Not
# into _static/ itself: Jupyter Book would add every .js file there to every page.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v npm >/dev/null || { echo "make book needs npm (Node.js) to fetch MathJax and the widget manager" >&2; exit 1; }

cache=_build/vendor-cache
dest=_vendor
mkdir -p "$cache"
rm -rf "$dest" && mkdir -p "$dest"

unpack() {  # unpack SPEC SHA256 -> prints the folder holding the package
  local spec=$1 sha=$2 tgz
  tgz=$(cd "$cache" && npm pack "$spec" --silent 2>/dev/null | tail -n 1)
  echo "$sha  $cache/$tgz" | sha256sum --check --quiet >&2 || { echo "checksum mismatch: $spec" >&2; exit 1; }
  rm -rf "$cache/${tgz%.tgz}" && mkdir -p "$cache/${tgz%.tgz}"
  tar xzf "$cache/$tgz" -C "$cache/${tgz%.tgz}"
  echo "$cache/${tgz%.tgz}/package"
}

while read -r spec sha; do
  [[ -z $spec || $spec == \#* ]] && continue
  pkg=$(unpack "$spec" "$sha")
  case $spec in
    mathjax@*)
      mkdir -p "$dest/mathjax/output/chtml" "$dest/mathjax/input/tex"
      cp "$pkg/es5/tex-chtml.js" "$dest/mathjax/"
      cp -r "$pkg/es5/output/chtml/fonts" "$dest/mathjax/output/chtml/"
      cp -r "$pkg/es5/input/tex/extensions" "$dest/mathjax/input/tex/"
      cp -r "$pkg/es5/ui" "$pkg/es5/a11y" "$dest/mathjax/" ;;
    requirejs@*)
      cp "$pkg/require.js" "$dest/" ;;
    @jupyter-widgets/html-manager@*)
      mkdir -p "$dest/html-manager"
      cp "$pkg/dist/embed-amd.js" "$pkg"/dist/*.{woff,woff2,ttf,eot,svg} "$dest/html-manager/" ;;
    *) echo "vendor.sh does not know what to copy from $spec" >&2; exit 1 ;;
  esac
done < site/vendor.txt
du -sh "$dest"
