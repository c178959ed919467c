#!/usr/bin/env bash
# Builds the kubeflash firmware for one chip, reproducibly, and collects what flashing needs.
#
#   firmware/scripts/build.sh --target esp32c3 --version 1.5.0 [--out DIR] [--local]
#
# Without --local it runs itself inside the pinned ESP-IDF image with docker (or podman); with --local (CI, the
# in-cluster builder Job, or a machine with ESP-IDF v5.5 installed) it builds right here.
#
# Output (DIR, default firmware/dist/<target>): bootloader.bin, partition-table.bin, ota_data_initial.bin,
# kubeflash-firmware.bin (the app: what cmd/ota downloads and the operator signs), kubeflash-firmware.elf,
# flasher_args.json (ESP-IDF's, paths relative to DIR) and SHA256SUMS.
#
# Reproducible: the same source, version and image give the same app image. CONFIG_APP_REPRODUCIBLE_BUILD
# removes paths, dates and times; SOURCE_DATE_EPOCH comes from the last commit; the build directory, locale,
# time zone and umask are fixed.
set -euo pipefail

# espressif/idf:v5.5.5 by digest (the multi-platform index digest, as `docker image inspect` lists it in
# RepoDigests). A tag can move; the digest cannot.
IDF_IMAGE_DEFAULT="espressif/idf:v5.5.5@sha256:a9231d0697ab8f7517cc072e93b7c83e04907bfbfba80b6440d7dbbf90665cf2"
IDF_IMAGE="${KUBEFLASH_IDF_IMAGE:-$IDF_IMAGE_DEFAULT}"
TARGETS="esp32c3 esp32s3"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
firmware="$(cd "$here/.." && pwd)"
repo="$(cd "$firmware/.." && pwd)"

usage() {
  echo "usage: $0 --target <$(echo "$TARGETS" | tr ' ' '|')> --version <app version> [--out DIR] [--local]" >&2
  exit 2
}

target="" version="" out="" local=false
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target="${2:-}"; shift 2 ;;
    --version) version="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    --local) local=true; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
if [ -z "$target" ] || [ -z "$version" ]; then
  usage
fi
case " $TARGETS " in *" $target "*) ;; *) echo "target must be one of: $TARGETS (got '$target')" >&2; exit 2 ;; esac
# esp_app_desc_t.version holds 31 characters; the MQTT protocol's version pattern applies to status.fw
if [ "${#version}" -gt 31 ] || ! [[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z._+-]*$ ]]; then
  echo "version '$version' must match ^[0-9A-Za-z][0-9A-Za-z._+-]*\$ and have at most 31 characters" >&2
  exit 2
fi
out="${out:-$firmware/dist/$target}"

if ! $local; then
  engine="$(command -v docker || command -v podman || true)"
  [ -n "$engine" ] || { echo "neither docker nor podman found: install one, or run with --local inside ESP-IDF v5.5" >&2; exit 1; }
  mkdir -p "$out"
  out_abs="$(cd "$out" && pwd)"
  exec "$engine" run --rm -v "$repo:/project" -v "$out_abs:/out" -w /project \
    -e HOME=/tmp -e SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-}" --user "$(id -u):$(id -g)" "$IDF_IMAGE" \
    bash /project/firmware/scripts/build.sh --local --target "$target" --version "$version" --out /out
fi

if ! command -v idf.py >/dev/null; then
  if [ -z "${IDF_PATH:-}" ] || [ ! -f "$IDF_PATH/export.sh" ]; then
    echo "ESP-IDF is not set up: IDF_PATH/export.sh not found (use the ESP-IDF v5.5 image or install it)" >&2
    exit 1
  fi
  # shellcheck disable=SC1091
  . "$IDF_PATH/export.sh" >/dev/null
fi
idf_version="$(idf.py --version 2>/dev/null || true)"
case "$idf_version" in
  *v5.5*) ;;
  *) echo "ESP-IDF v5.5 is required, found: ${idf_version:-none}" >&2; exit 1 ;;
esac

export LC_ALL=C.UTF-8 TZ=UTC
umask 022
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)"
fi
export SOURCE_DATE_EPOCH

build="$firmware/build-$target"
rm -rf "$build"
(cd "$firmware" && idf.py -B "$build" -DIDF_TARGET="$target" -DSDKCONFIG="$build/sdkconfig" \
  -DPROJECT_VER="$version" build)

mkdir -p "$out"
app="kubeflash-firmware"
cp "$build/bootloader/bootloader.bin" "$out/bootloader.bin"
cp "$build/partition_table/partition-table.bin" "$out/partition-table.bin"
cp "$build/ota_data_initial.bin" "$out/ota_data_initial.bin"
cp "$build/$app.bin" "$out/$app.bin"
cp "$build/$app.elf" "$out/$app.elf"
# flasher_args.json with the flat file names of this folder instead of the build tree's
python3 - "$build/flasher_args.json" "$out/flasher_args.json" <<'PY'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
args = json.load(open(src))
rename = {p: os.path.basename(p) for p in args.get("flash_files", {}).values()}
args["flash_files"] = {off: rename[p] for off, p in args["flash_files"].items()}
for part in args.values():
    if isinstance(part, dict) and "file" in part:
        part["file"] = rename.get(part["file"], os.path.basename(part["file"]))
json.dump(args, open(dst, "w"), indent=4, sort_keys=True)
open(dst, "a").write("\n")
PY
(cd "$out" && sha256sum bootloader.bin partition-table.bin ota_data_initial.bin "$app.bin" "$app.elf" flasher_args.json >SHA256SUMS)
echo "kubeflash firmware $version for $target (ESP-IDF $idf_version):"
(cd "$out" && ls -l bootloader.bin partition-table.bin ota_data_initial.bin "$app.bin" && cat SHA256SUMS)
