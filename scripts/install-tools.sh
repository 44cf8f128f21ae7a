#!/usr/bin/env bash
# Installs the simulators, synthesiser, static-timing tool and iCE40 place-and-route the project drives (Debian packages),
# skipping any that are already present, and the standard-cell library make synth maps to.
# Swift 6 must already be installed (https://swift.org/install). Idempotent; needs root or sudo
# only when something is missing.
#
# The liberty file: osu018_stdcells.lib (OSU 0.18 um, 1.8 V) from Debian's qflow-tech-osu018,
# fetched with `apt-get download` and unpacked with `dpkg-deb -x` (installing the package would
# pull in all of qflow, tcsh, magic, Tk...), then copied with its copyright file to
#     /usr/local/share/osu018/osu018_stdcells.lib
# where make synth looks for it (override: make synth LIBERTY=/path/to/osu018_stdcells.lib), with
# the same package's Verilog cell models (specify delays), osu018_stdcells.v, beside it for the
# timed gate-level simulations.
set -euo pipefail
LIBERTY_DIR=/usr/local/share/osu018
LIBERTY="$LIBERTY_DIR/osu018_stdcells.lib"
CELL_MODELS="$LIBERTY_DIR/osu018_stdcells.v"
missing=()
command -v verilator >/dev/null 2>&1 || missing+=(verilator)
command -v iverilog >/dev/null 2>&1 || missing+=(iverilog)
command -v yosys >/dev/null 2>&1 || missing+=(yosys)
command -v sta >/dev/null 2>&1 || missing+=(opensta)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
# The iCE40 cost backend: yosys synth_ice40, then nextpnr-ice40 (chip databases included) and icestorm.
command -v nextpnr-ice40 >/dev/null 2>&1 || missing+=(nextpnr-ice40)
command -v icepack >/dev/null 2>&1 || missing+=(fpga-icestorm)
need_liberty=no
[ -s "$LIBERTY" ] && [ -s "$CELL_MODELS" ] || need_liberty=yes
if [ ${#missing[@]} -eq 0 ] && [ $need_liberty = no ]; then
    echo "install-tools: verilator, iverilog, yosys, sta, make, g++, nextpnr-ice40, icepack, $LIBERTY and $CELL_MODELS are present"
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-tools: need root or sudo to install: ${missing[*]} $([ $need_liberty = yes ] && echo "$LIBERTY")" >&2; exit 1; }
    sudo="sudo"
fi
apt() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
updated=no
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-tools: installing ${missing[*]}"
    apt update -qq
    updated=yes
    apt install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ $need_liberty = yes ]; then
    echo "install-tools: unpacking osu018_stdcells.lib from qflow-tech-osu018 into $LIBERTY_DIR"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # -o APT::Sandbox::User=root: the temporary directory is not writable by _apt. Without package
    # lists (a fresh machine), update them once and try again.
    download() { (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root qflow-tech-osu018 >/dev/null 2>&1); }
    if ! download; then
        [ $updated = yes ] || apt update -qq
        download || { echo "install-tools: apt-get download qflow-tech-osu018 failed; is a Debian 12 (bookworm) main repository configured?" >&2; exit 1; }
    fi
    dpkg-deb -x "$tmp"/qflow-tech-osu018_*.deb "$tmp/root"
    src="$tmp/root/usr/share/qflow/tech/osu018/osu018_stdcells.lib"
    models="$tmp/root/usr/share/qflow/tech/osu018/osu018_stdcells.v"
    [ -s "$src" ] || { echo "install-tools: qflow-tech-osu018 has no osu018_stdcells.lib" >&2; exit 1; }
    [ -s "$models" ] || { echo "install-tools: qflow-tech-osu018 has no osu018_stdcells.v" >&2; exit 1; }
    $sudo mkdir -p "$LIBERTY_DIR"
    $sudo install -m 644 "$tmp/root/usr/share/doc/qflow-tech-osu018/copyright" "$LIBERTY_DIR/copyright"
    # copy under a temporary name, then rename: never a half-written library
    $sudo install -m 644 "$src" "$LIBERTY.tmp"
    $sudo mv "$LIBERTY.tmp" "$LIBERTY"
    $sudo install -m 644 "$models" "$CELL_MODELS.tmp"
    $sudo mv "$CELL_MODELS.tmp" "$CELL_MODELS"
fi
echo "install-tools: done ($(verilator --version | head -1); $(iverilog -V 2>&1 | head -1); $(yosys -V); sta $(sta -version 2>/dev/null || echo '?'); $(nextpnr-ice40 --version 2>&1 | head -1); $LIBERTY)"
