#!/usr/bin/env bash
# Copies the front-end runtime files from the npm registry into static/vendor/.
#
# The pages load only these committed files: intranets (and CI) have no CDN, and
# nothing is downloaded at run time. To upgrade, change a version below, run
# `make vendor`, look at the diff and commit static/vendor/.
#
# `npm pack` fetches each tarball into a temporary folder (checked against the
# registry's integrity hash), so no package.json or node_modules is left here.
set -euo pipefail

HTMX_VERSION=2.0.11            # htmx.org, 2.x
BOOTSTRAP_VERSION=5.3.9        # bootstrap, 5.3.x
BOOTSTRAP_ICONS_VERSION=1.13.2 # bootstrap-icons, 1.x
ECHARTS_VERSION=6.1.0          # echarts

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/static/vendor"

command -v npm >/dev/null || { echo "vendor_assets: npm is required" >&2; exit 1; }
command -v node >/dev/null || { echo "vendor_assets: node is required" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"
versions="$work/VERSIONS.txt"

# fetch NAME VERSION: unpacks NAME@VERSION into $work/NAME/package and records it.
fetch() {
  local name=$1 version=$2 dir="$work/$1" integrity license
  mkdir -p "$dir"
  (cd "$dir" && npm pack --json --pack-destination . "$name@$version" >pack.json 2>npm.log) || {
    cat "$dir/npm.log" >&2
    echo "vendor_assets: npm pack $name@$version failed" >&2
    exit 1
  }
  tar -xzf "$dir"/*.tgz -C "$dir"
  integrity="$(node -p 'require(process.argv[1])[0].integrity' "$dir/pack.json")"
  license="$(node -p 'require(process.argv[1]).license' "$dir/package/package.json")"
  printf '%s@%s\t%s\t%s\n' "$name" "$version" "$license" "$integrity" >>"$versions"
}

# put SRC DEST: copies one file into the output tree, making its folder.
put() {
  mkdir -p "$(dirname "$out/$2")"
  cp "$1" "$out/$2"
}

# The .map files are not vendored; a left-over sourceMappingURL comment would make
# ManifestStaticFilesStorage (collectstatic) fail on the missing file.
strip_source_maps() {
  sed -i -E \
    -e 's@/\*# sourceMappingURL=[^*]*\*/@@g' \
    -e '/^[[:space:]]*\/\/# sourceMappingURL=/d' \
    "$@"
}

fetch htmx.org "$HTMX_VERSION"
pkg="$work/htmx.org/package"
put "$pkg/dist/htmx.min.js" htmx/htmx.min.js
put "$pkg/LICENSE" htmx/LICENSE

fetch bootstrap "$BOOTSTRAP_VERSION"
pkg="$work/bootstrap/package"
put "$pkg/dist/css/bootstrap.min.css" bootstrap/css/bootstrap.min.css
put "$pkg/dist/js/bootstrap.bundle.min.js" bootstrap/js/bootstrap.bundle.min.js
put "$pkg/LICENSE" bootstrap/LICENSE

fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION"
pkg="$work/bootstrap-icons/package"
put "$pkg/font/bootstrap-icons.min.css" bootstrap-icons/bootstrap-icons.min.css
put "$pkg/font/fonts/bootstrap-icons.woff" bootstrap-icons/fonts/bootstrap-icons.woff
put "$pkg/font/fonts/bootstrap-icons.woff2" bootstrap-icons/fonts/bootstrap-icons.woff2
put "$pkg/LICENSE" bootstrap-icons/LICENSE

fetch echarts "$ECHARTS_VERSION"
pkg="$work/echarts/package"
put "$pkg/dist/echarts.min.js" echarts/echarts.min.js
put "$pkg/LICENSE" echarts/LICENSE
put "$pkg/NOTICE" echarts/NOTICE  # Apache-2.0 asks for the NOTICE to travel with the code

mapfile -t assets < <(find "$out" -type f \( -name '*.css' -o -name '*.js' \) | sort)
strip_source_maps "${assets[@]}"
if grep -l 'sourceMappingURL' "${assets[@]}"; then
  echo "vendor_assets: a sourceMappingURL is left in the files above" >&2
  exit 1
fi

{
  echo "# Front-end files vendored by scripts/vendor_assets.sh from the npm registry."
  echo "# package@version<TAB>license<TAB>npm integrity of the tarball"
  cat "$versions"
} >"$out/VERSIONS.txt"

rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -R "$out" "$dest"
echo "vendor_assets: static/vendor/ now holds:"
sed -n '3,$p' "$dest/VERSIONS.txt"
