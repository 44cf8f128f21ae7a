# lmul-rtl: generate, simulate and synthesise L-Mul units and the exact fp baseline.
#   make            generate (if stale), simulate (make sim-main: make sim with the 4x4/8x8 and pipelined arrays on
#                   Icarus only) and synthesise the default design set; about 5 minutes on a fresh clone, seconds after
#   make test       swift test, make sim on the default set, make sweep-quick and sweep-sbatch-check (what CI runs)
#   make sim        units on Verilator and Icarus against golden vectors, then make sim-array
#   make sim-array  PE arrays, cycle by cycle against the golden matmul; make bench-array: 16x16 lmul MAC/s;
#                   make mutate-array: array/cell/PE mutants the array check must kill; make mutate-fpadd: the adder
#                   make mutate-mx: the mutants of a K = 2 MX dot (lmul, e4m3) the MX check must kill
#   make synth      yosys area/depth/activity report of e4m3, e5m2, bf16, fp16 units, PEs and arrays into synth/,
#                   with standard-cell area, OpenSTA timing and energy per operation (LIBERTY=file; default
#                   /usr/local/share/osu018/osu018_stdcells.lib, installed by scripts/install-tools.sh);
#                   with behavioural twins of the exact multipliers (build/behavioural) and an ABC-effort table;
#                   and iCE40 UP5K place and route (nextpnr-ice40: logic cells, fmax) of the e4m3/e5m2 units, PEs, 2x2 arrays;
#                   and the MX block dot products (K = 32; every MX multiplier on e4m3, e2m1fn, e3m2fn, e2m3fn) through all three;
#                   every figure is a job cached by content in synth/results (committed: a fresh clone with the same
#                   tools re-measures nothing; SYNTH_CACHE=none measures all, about 10 minutes on 2 cores);
#                   make synth-exhaustive: the netlists whose RTL proof timed out, on all 2^32 inputs
#   make sim-exhaustive-pipelined  bf16/fp16 lmul and fpmul _p3 on all 2^32 pairs, results S cycles later
#   make prove      every multiplier on e4m3 e5m2 e3m4 e2m1fn bf16 fp16 fp32, the adders, pipelined variants and
#                   PEs proven equal to behavioural descriptions written from SPEC (yosys sat, sat -seq, sat -tempinduct;
#                   where a proof times out: a second description, a cut-point proof or the exhaustive stream, named
#                   in the table), then a one-gate mutant that must fail; exits non-zero unless every design is proven
#   make accuracy   error report into docs/ (accuracy.md/.json, plots); make accuracy-bf16: bf16, 2^32 pairs
#   make glitch     energy per operation with glitches (timed gate-level activity) of the e4m3 and bf16 units (docs/glitch.md)
#   make sweep      design-space sweep: every multiplier x E = 4, 5, 8, M = 1...7, cost/error Pareto frontiers
#                   (docs/sweep.*); make sweep-quick: its e4m3/e5m2/e8m3/e8m4 subset against docs/sweep.json;
#                   make sweep-sbatch-check: the Slurm scripts' array tasks give the same report (both in make test);
#                   make sweep-mx: the MX families (each multiplier in a K = 32 MX dot per element format, cost per MAC
#                   against MX matmul error; docs/sweep-mx.*), from make synth's cached MX cost jobs (make sweep runs it;
#                   make sweep-mx-check, in make test, reruns it from synth/results against docs/sweep-mx.json)
# Variables: MANTISSA="3 2" (formats by fraction bits), EXPONENT=E (for formats SPEC gives no
# default for), or FORMATS="e2m1fn e2m3fn e3m2fn" (any rtlgen --format name), UNITS="lmul fpmul" (default: every unit 'rtlgen units' lists), SIM="verilator icarus";
# arrays: ARRAY_SIZES="1x1 2x3 4x4 8x8", ARRAY_UNITS="lmul fpmul", ARRAY_ACCS="fixed fp32", ARRAY_MANTISSA=3 (ARRAY_EXPONENT=E);
# pipelined arrays: PIPE_ARRAY_SIZES=2x2 (empty: none), PIPE_ARRAY_UNITS=lmul, PIPE_ARRAY_ACC=fp32, PIPE_ARRAY_STAGES=2, PIPE_ARRAY_ACC_STAGES=2.

SHELL := bash
, := ,
.DEFAULT_GOAL := all
SWIFT ?= swift
# SwiftPM build directory (a second checkout or tool can use its own, e.g. SCRATCH=.build-x).
SCRATCH ?= .build
RTLGEN := $(SCRATCH)/release/rtlgen

MANTISSA ?= 3 2
EXPONENT ?=
SIM ?= verilator icarus

# Generator sources: a unit file older than any of these is regenerated (a hand-edited file is
# newer, so it is simulated as edited).
GEN_SOURCES := $(wildcard Sources/HDL/*.swift Sources/FloatArith/*.swift Sources/Units/*.swift Sources/Units/*/*.swift)

# The unit list is the generator's registry ('rtlgen units'), cached in $(SCRATCH)/units.mk and
# remade (make then restarts) when the generator's sources change; UNITS selects a subset.
UNITS_MK := $(SCRATCH)/units.mk
ifeq ($(filter help clean,$(MAKECMDGOALS)),)
-include $(UNITS_MK)
endif
UNITS ?= $(REGISTRY_UNITS)

tag_3 := e4m3
tag_2 := e5m2
tag_7 := e8m7
tag_10 := e5m10
tag_23 := e8m23
format_tag = $(if $(EXPONENT),e$(EXPONENT)m$(1),$(if $(tag_$(1)),$(tag_$(1)),$(error MANTISSA=$(1) has no default format: add EXPONENT=E (2...8))))
# FORMATS names formats directly (rtlgen --format names: e4m3, e6m5, the finite e2m1fn, ...).
FORMATS ?= $(foreach m,$(MANTISSA),$(call format_tag,$(m)))
DEFAULT_FORMATS := e4m3 e5m2
# The committed rtl/ holds the default set only; other formats are generated under build/rtl.
RTL_DIR ?= $(if $(filter-out $(DEFAULT_FORMATS),$(FORMATS)),build/rtl,rtl)
MODULES := $(foreach f,$(FORMATS),$(foreach u,$(UNITS),$(u)_$(f)))
MODULE_FILES := $(MODULES:%=$(RTL_DIR)/%.v)

.PHONY: all rtlgen rtl units test swift-test clean help sim sim-exhaustive bench-sim mutate accuracy accuracy-bf16 synth
.PHONY: synth-exhaustive sim-exhaustive-pipelined sim-array sim-main bench-array mutate-array mutate-fpadd sweep sweep-quick sweep-sbatch-check sweep-slurm-check sweep-mx sweep-mx-check glitch sim-mx mutate-mx prove sim-changed

all: units sim-changed synth

help:
	@sed -n '/^#/!q; s/^# \{0,1\}//; p' Makefile

# Build (or confirm up to date) the release rtlgen binary.
rtlgen:
	@$(SWIFT) build -c release --scratch-path $(SCRATCH) --product rtlgen 2>&1 | grep -v -e '^\[' -e '^Building' -e '^Build of product' -e 'Compiling' -e 'Write swift-version' || true
	@test -x $(RTLGEN) || { echo "make: building rtlgen failed; run 'swift build -c release' to see why" >&2; exit 1; }

# Generate a unit when it is missing or older than the generator sources (the output directory
# is the target's; rtlgen reads unit, format and overflow rule from the module name).
define gen_unit
	@$(RTLGEN) --modules $* --out $(@D)
endef
rtl/%.v: $(GEN_SOURCES) | rtlgen
	$(gen_unit)
build/rtl/%.v: $(GEN_SOURCES) | rtlgen
	$(gen_unit)
ifeq ($(filter $(RTL_DIR),rtl build/rtl),)
$(RTL_DIR)/%.v: $(GEN_SOURCES) | rtlgen
	$(gen_unit)
endif

units: $(MODULE_FILES)

$(UNITS_MK): $(GEN_SOURCES) | rtlgen
	@mkdir -p $(@D)
	@names=$$($(RTLGEN) units) && test -n "$$names" && echo "REGISTRY_UNITS := $$(echo $$names)" > $@.tmp && mv $@.tmp $@

# Regenerate the selected set unconditionally.
rtl: rtlgen
	@for f in $(FORMATS); do $(RTLGEN) --format $$f --units $$(tr ' ' ',' <<< "$(UNITS)") --out $(RTL_DIR) || exit 1; done

# Check the units of the selected set against the golden model on both simulators, then the arrays.
# Pipelined units (SPEC "Ports": <module>_p<S>, registers at balanced cut points), generated into
# build/rtl: every pair back to back, each result checked exactly S cycles later (4 models).
PIPE_MODULES ?= lmul_e4m3_p2 fpmul_e4m3_p3
sim: $(MODULE_FILES) $(PIPE_MODULES:%=build/rtl/%.v) | rtlgen
	@$(RTLGEN) sim --dir $(RTL_DIR) --modules "$(MODULES)" --sim "$(SIM)"
	@$(RTLGEN) sim --dir build/rtl --modules "$(PIPE_MODULES)" --sim "$(SIM)"
	@$(MAKE) --no-print-directory sim-array
	@$(MAKE) --no-print-directory sim-mx

# MX block dot products (SPEC "MX block formats"), generated into build/sim-mx/rtl and checked on $(SIM)
# with every element pair, the corner blocks and seeded random blocks.
MX_UNITS ?= lmul fpmul
MX_FORMATS ?= e4m3 e2m1fn
MX_BLOCK ?= 32
sim-mx: | rtlgen
	@$(RTLGEN) sim-mx --units "$(MX_UNITS)" --formats "$(MX_FORMATS)" --block $(MX_BLOCK) --sim "$(SIM)"

# Mutation testing of the MX dot check (rtlgen mutate-mx): every one-operator and one-constant source mutant
# of one small MX dot, simulated on Icarus, must be killed (exit 1 if any survives). Default: the first example
# of 'rtlgen mutate-mx --help', lmul on e4m3 elements at K = 2; MUTATE_MX_UNIT, _FORMAT, _BLOCK choose another.
MUTATE_MX_UNIT ?= lmul
MUTATE_MX_FORMAT ?= e4m3
MUTATE_MX_BLOCK ?= 2
mutate-mx: | rtlgen
	@$(RTLGEN) mutate-mx --unit $(MUTATE_MX_UNIT) --format $(MUTATE_MX_FORMAT) --block $(MUTATE_MX_BLOCK)

# Systolic arrays (docs/array.md), generated into build/sim-array/rtl and checked cycle by cycle
# against the golden matmul on $(SIM); the default set takes about 45 s on 2 cores, mostly
# Verilator builds (cached in build/sim-array until the design files change).
ARRAY_SIZES ?= 1x1 2x3 4x4 8x8
ARRAY_UNITS ?= lmul fpmul
ARRAY_MANTISSA ?= 3
ARRAY_EXPONENT ?=
# Accumulators: fixed (exact fixed point, SPEC's default PE) and fp32/bf16/fp16 (fpadd in the PE).
ARRAY_ACCS ?= fixed fp32
# Pipelined PE arrays (SPEC "Pipelined PEs"): the multiplier's _p<S> (--stages) and an fp accumulation
# adder of L stages keeping L partial sums (--acc-stages); one small array, every result S + L*L cycles later.
PIPE_ARRAY_SIZES ?= 2x2
PIPE_ARRAY_UNITS ?= lmul
PIPE_ARRAY_ACC ?= fp32
PIPE_ARRAY_STAGES ?= 2
PIPE_ARRAY_ACC_STAGES ?= 2
ARRAY_SIM ?= $(SIM)
sim-array: | rtlgen
	@for acc in $(ARRAY_ACCS); do $(RTLGEN) sim-array --sizes "$(ARRAY_SIZES)" --units "$(ARRAY_UNITS)" --mantissa $(ARRAY_MANTISSA) $(if $(ARRAY_EXPONENT),--exponent $(ARRAY_EXPONENT)) --acc $$acc --sim "$(ARRAY_SIM)" || exit 1; done
	@$(if $(PIPE_ARRAY_SIZES),$(RTLGEN) sim-array --sizes "$(PIPE_ARRAY_SIZES)" --units "$(PIPE_ARRAY_UNITS)" --mantissa $(ARRAY_MANTISSA) $(if $(ARRAY_EXPONENT),--exponent $(ARRAY_EXPONENT)) --acc $(PIPE_ARRAY_ACC) --stages $(PIPE_ARRAY_STAGES) --acc-stages $(PIPE_ARRAY_ACC_STAGES) --sim "$(ARRAY_SIM)",true)

# What `make` simulates (sim-main): make sim's units, pipelined units and MX dots on $(SIM), and every array
# on Icarus, but on Verilator only the arrays of MAIN_VERILATOR_ARRAY_SIZES: Verilator's builds of the 4x4 and
# 8x8 arrays and the pipelined array take about 5 minutes on 2 cores, which make sim (and make test) still spend.
MAIN_VERILATOR_ARRAY_SIZES ?= 2x3
sim-main: $(MODULE_FILES) $(PIPE_MODULES:%=build/rtl/%.v) | rtlgen
	@$(RTLGEN) sim --dir $(RTL_DIR) --modules "$(MODULES)" --sim "$(SIM)"
	@$(RTLGEN) sim --dir build/rtl --modules "$(PIPE_MODULES)" --sim "$(SIM)"
	@$(if $(filter icarus,$(SIM)),$(MAKE) --no-print-directory sim-array ARRAY_SIM=icarus,true)
	@$(if $(and $(filter verilator,$(SIM)),$(MAIN_VERILATOR_ARRAY_SIZES)),$(MAKE) --no-print-directory sim-array ARRAY_SIM=verilator ARRAY_SIZES="$(MAIN_VERILATOR_ARRAY_SIZES)" PIPE_ARRAY_SIZES=,true)
	@$(MAKE) --no-print-directory sim-mx

# What `make` runs: make sim-main, unless its last pass saw the same unit files, testbench and rtlgen binary
# (a stamp per selection of units, simulators and arrays); `make sim` and `make sim-main` always simulate.
SIM_KEY := $(shell printf '%s' "$(RTL_DIR)|$(MODULES)|$(SIM)|$(MAIN_VERILATOR_ARRAY_SIZES)|$(PIPE_MODULES)|$(ARRAY_SIZES)|$(ARRAY_UNITS)|$(ARRAY_MANTISSA)|$(ARRAY_EXPONENT)|$(ARRAY_ACCS)|$(PIPE_ARRAY_SIZES)|$(PIPE_ARRAY_UNITS)|$(PIPE_ARRAY_ACC)|$(PIPE_ARRAY_STAGES)|$(PIPE_ARRAY_ACC_STAGES)|$(MX_UNITS)|$(MX_FORMATS)|$(MX_BLOCK)" | sha256sum | cut -c1-16)
SIM_STAMP := build/stamps/sim-$(SIM_KEY)
sim-changed: $(SIM_STAMP)
$(SIM_STAMP): $(MODULE_FILES) $(wildcard testbench/*) $(RTLGEN) | rtlgen
	@$(MAKE) --no-print-directory sim-main
	@mkdir -p $(@D) && touch $@
$(RTLGEN):
	@$(MAKE) --no-print-directory rtlgen

# Benchmark (prints figures; fails only on a mismatch): MAC/s of a 16x16 lmul array on Verilator, with
# the fixed-point and the fp32 accumulator.
bench-array: | rtlgen
	@$(RTLGEN) bench-array --rows 16 --cols 16 --unit lmul --mantissa 3
	@$(RTLGEN) bench-array --rows 16 --cols 16 --unit lmul --mantissa 3 --acc fp32

# Mutation testing of the array check: standard mutants plus yosys gate mutants of the PE, per unit
# of ARRAY_UNITS, on a 4x4 array (Icarus).
ARRAY_GATE_MUTANTS ?= 32
mutate-array: | rtlgen
	@for acc in $(ARRAY_ACCS); do for u in $(ARRAY_UNITS); do $(RTLGEN) mutate-array --rows 4 --cols 4 --unit $$u --mantissa $(ARRAY_MANTISSA) $(if $(ARRAY_EXPONENT),--exponent $(ARRAY_EXPONENT)) --acc $$acc --gate-mutants $(ARRAY_GATE_MUTANTS) || exit 1; done; done
	@$(RTLGEN) mutate-array --rows 3 --cols 3 --unit lmul --mantissa $(ARRAY_MANTISSA) $(if $(ARRAY_EXPONENT),--exponent $(ARRAY_EXPONENT)) --acc $(PIPE_ARRAY_ACC) --stages $(PIPE_ARRAY_STAGES) --acc-stages 3 --gate-mutants 0

# All 2^32 operand pairs of 16-bit units (default: lmul and fpmul for bf16, and the bf16 and fp16
# accumulation adders), streamed in-process.
EXHAUSTIVE_UNITS ?= $(if $(filter command line,$(origin UNITS)),$(UNITS),lmul fpmul)
EXHAUSTIVE_MANTISSA ?= $(if $(filter command line,$(origin MANTISSA)),$(MANTISSA),7)
EXHAUSTIVE_FORMATS := $(foreach m,$(EXHAUSTIVE_MANTISSA),$(call format_tag,$(m)))
EXHAUSTIVE_EXTRA ?= $(if $(filter command line,$(origin UNITS) $(origin MANTISSA)),,fpadd_e8m7 fpadd_e5m10)
EXHAUSTIVE_MODULES := $(foreach f,$(EXHAUSTIVE_FORMATS),$(foreach u,$(EXHAUSTIVE_UNITS),$(u)_$(f))) $(EXHAUSTIVE_EXTRA)
sim-exhaustive: $(EXHAUSTIVE_MODULES:%=build/rtl/%.v) | rtlgen
	@$(RTLGEN) exhaustive --dir build/rtl --modules "$(EXHAUSTIVE_MODULES)"

# All 2^32 pairs of the bf16 and fp16 lmul and fpmul pipelined at one S (PIPE_EXHAUSTIVE_STAGES),
# back to back, each result checked S cycles later (not in make test: it is the slow one).
PIPE_EXHAUSTIVE_STAGES ?= 3
PIPE_EXHAUSTIVE_MODULES := $(foreach f,e8m7 e5m10,$(foreach u,lmul fpmul,$(u)_$(f)_p$(PIPE_EXHAUSTIVE_STAGES)))
sim-exhaustive-pipelined: $(PIPE_EXHAUSTIVE_MODULES:%=build/rtl/%.v) | rtlgen
	@$(RTLGEN) exhaustive --dir build/rtl --modules "$(PIPE_EXHAUSTIVE_MODULES)"

# Benchmark (prints figures, asserts nothing): checked vectors/s per simulator and method.
BENCH_UNITS ?= rtl/lmul_e4m3.v rtl/fpmul_e4m3.v build/rtl/lmul_e8m7.v build/rtl/lmul_formula_e8m7.v build/rtl/fpmul_e8m7.v build/rtl/fpmul_ftz_e8m7.v
bench-sim: $(BENCH_UNITS) | rtlgen
	@$(RTLGEN) bench-sim --files "$(BENCH_UNITS)"

# Mutation testing of the accumulation adder's generator, exhaustively decided on two 8-bit IEEE-style
# formats (every survivor is proven equivalent by all 65,536 operand pairs).
mutate-fpadd: | rtlgen
	@$(RTLGEN) --mantissa 2 --units fpadd --out build/rtl > /dev/null
	@$(RTLGEN) --exponent 3 --mantissa 4 --units fpadd --out build/rtl > /dev/null
	@$(RTLGEN) mutate --dir build/rtl --modules fpadd_e5m2,fpadd_e3m4 --gate-mutants $(GATE_MUTANTS)

# Mutation testing of the harness on the selected set (default: the eight default units).
GATE_MUTANTS ?= 64
mutate: $(MODULE_FILES) | rtlgen
	@$(RTLGEN) mutate --dir $(RTL_DIR) --modules "$(MODULES)" --gate-mutants $(GATE_MUTANTS)

# Synthesis report (synth/report.md, synth/report.json): generic gates, CMOS transistors, depth and
# switching activity per unit, each netlist proven equal to its RTL; each exact multiplier beside a
# plain behavioural description of it (written to build/behavioural, checked against the golden
# model, same flow), and the L-Mul ratios under stronger ABC scripts. Default: the four units for
# e4m3, e5m2, bf16 and fp16; with MANTISSA (and EXPONENT) or UNITS given, that set, written to
# build/synth instead so the committed report stays the default set's.
SYNTH_MANTISSA ?= $(if $(filter command line,$(origin MANTISSA)),$(MANTISSA),3 2 7 10)
SYNTH_FORMATS := $(foreach m,$(SYNTH_MANTISSA),$(call format_tag,$(m)))
unit_file = $(if $(filter $(DEFAULT_FORMATS),$(2)),rtl,build/rtl)/$(1)_$(2).v
SYNTH_FILES := $(foreach f,$(SYNTH_FORMATS),$(foreach u,$(UNITS),$(call unit_file,$(u),$(f))))
SYNTH_DEFAULT := $(if $(filter command line,$(origin MANTISSA) $(origin UNITS) $(origin EXPONENT)),,yes)
SYNTH_OUT ?= $(if $(SYNTH_DEFAULT),synth,build/synth)
SYNTH_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# PEs, array cells and 4x4/8x8/16x16 arrays (e4m3) are measured with the default set only.
SYNTH_PE_UNITS ?= $(if $(SYNTH_DEFAULT),$(UNITS),none)
# fp32-accumulating PEs and 16x16 arrays (SPEC "Floating-point accumulation") of these units, and the
# accumulation adders alone (fp32, bf16, fp16), with the default set only.
SYNTH_FLOAT_PE_UNITS ?= $(if $(SYNTH_DEFAULT),lmul fpmul fpmul_ftz mitchell,none)
SYNTH_ADDERS ?= $(if $(SYNTH_DEFAULT),build/rtl/fpadd_e8m23.v build/rtl/fpadd_e8m7.v build/rtl/fpadd_e5m10.v,)
# The standard-cell library (OSU 0.18 um from Debian's qflow-tech-osu018; scripts/install-tools.sh).
LIBERTY ?= /usr/local/share/osu018/osu018_stdcells.lib
# Another technology (technologies/<name>.json: ihp-sg13g2, sky130hd, gf180mcu, asap7), its files found under
# PDK_ROOT (a PDK checkout; CI: ../shared/pdk), e.g. make synth TECHNOLOGY=sky130hd PDK_ROOT=../shared/pdk
# SYNTH_TIMED=--no-timed SYNTH_OUT=build/synth-sky130hd (timed simulation needs generated cell models, not yet).
TECHNOLOGY ?= osu018
PDK_ROOT ?=
SYNTH_TIMED ?=
# Results are kept per job in SYNTH_CACHE, keyed by the content of everything that decides them (the
# RTL, flow.ys, the liberty, the tool versions, each backend's version): the default set's are committed
# in synth/results, so a fresh clone with the same tools re-measures nothing (SYNTH_CACHE=none: measure all).
SYNTH_CACHE ?= $(if $(SYNTH_DEFAULT),synth/results,build/cost-results)
# The iso-throughput tables (issue 23): clock targets in MHz (or none), the formats and units whose
# least pipeline stages S meeting each are measured, the PEs' accumulators (of e4m3) and the largest S tried.
comma := ,
# (commas inside $(if ...) split its arguments: the list is spelt with $(comma))
SYNTH_CLOCKS ?= $(if $(SYNTH_DEFAULT),100$(comma)200$(comma)400$(comma)600,none)
SYNTH_CLOCK_FORMATS ?= e4m3,e5m2,bf16
SYNTH_CLOCK_UNITS ?= lmul,fpmul,fpmul_ftz
SYNTH_CLOCK_PE_ACC ?= fixed,fp32
SYNTH_CLOCK_MAX_STAGES ?= 8
# MX block dot products (rtlgen mxdot) through every backend at K = 32: with the default set, every MX
# multiplier on e4m3, e2m1fn, e3m2fn and e2m3fn elements (their results are committed; cold, a K = 32 block
# takes from seconds for e2m1fn to tens of minutes for e4m3 on 2 cores). e5m2 is not measured by default:
# SYNTH_MX_FORMATS="e5m2".
# A K = 32 block that does not fit the iCE40 is followed by the largest K that does.
SYNTH_MX_UNITS ?= $(if $(SYNTH_DEFAULT),lmul lmul_formula mitchell fpmul fpmul_ftz,none)
SYNTH_MX_FORMATS ?= $(if $(SYNTH_DEFAULT),e4m3 e2m1fn e3m2fn e2m3fn,none)
SYNTH_MX_BLOCK ?= 32
# MX dots also timed (glitches counted, synth/report.md "Energy with glitches"): the FP4 and FP6 elements by
# default (cold, 1 to 5 minutes per e2m1fn dot and 5 to 15 per FP6 dot on 2 cores; results committed); the
# e4m3 dots are not timed by default (their mapping alone takes tens of minutes).
SYNTH_MX_TIMED_FORMATS ?= $(if $(SYNTH_DEFAULT),e2m1fn e3m2fn e2m3fn,none)
# iCE40 UP5K place and route (rtlgen synth costs none unless asked): the units of these formats, the PEs,
# and the fixed-point PEs' arrays of SYNTH_ICE40_ARRAY_SIZES.
SYNTH_ICE40_FORMATS ?= e4m3,e5m2
SYNTH_ICE40_ARRAY_SIZES ?= 2x2
synth: $(SYNTH_FILES) $(SYNTH_ADDERS) | rtlgen
	@$(RTLGEN) synth --files "$(SYNTH_FILES) $(SYNTH_ADDERS)" --out $(SYNTH_OUT) --jobs $(SYNTH_JOBS) --pe-units "$(SYNTH_PE_UNITS)" --float-pe-units "$(SYNTH_FLOAT_PE_UNITS)" --pe-acc fixed,fp32 --liberty $(LIBERTY) --technology $(TECHNOLOGY) $(if $(PDK_ROOT),--pdk-root $(PDK_ROOT)) $(SYNTH_TIMED) --cache $(SYNTH_CACHE) --mx-units "$(SYNTH_MX_UNITS)" --mx-formats "$(SYNTH_MX_FORMATS)" --mx-block $(SYNTH_MX_BLOCK) --mx-timed-formats "$(SYNTH_MX_TIMED_FORMATS)" \
	  --ice40-formats $(SYNTH_ICE40_FORMATS) --ice40-array-sizes $(SYNTH_ICE40_ARRAY_SIZES) \
	  --clocks $(SYNTH_CLOCKS) --clock-formats $(SYNTH_CLOCK_FORMATS) --clock-units $(SYNTH_CLOCK_UNITS) --clock-pe-acc $(SYNTH_CLOCK_PE_ACC) --clock-max-stages $(SYNTH_CLOCK_MAX_STAGES)

# Units whose last proof step timed out (marked † in the report; by default the fp16 exact
# multipliers): their synthesised generic netlists, as make synth left them, simulated on all 2^32
# operand pairs against the golden model (about 25 minutes each on two cores).
SYNTH_EXHAUSTIVE_MODULES ?= fpmul_e5m10 fpmul_ftz_e5m10
synth-exhaustive: | rtlgen
	@mkdir -p build/synth/netlists
	@for m in $(SYNTH_EXHAUSTIVE_MODULES); do test -f build/synth/work/$$m/netlist.v || \
	  $(RTLGEN) synth --files $$(test -f rtl/$$m.v && echo rtl/$$m.v || echo build/rtl/$$m.v) --out build/synth/exhaustive-report --cache none --pe-units none --no-effort --behavioural none --liberty $(LIBERTY) || exit 1; done
	@for m in $(SYNTH_EXHAUSTIVE_MODULES); do \
	  test -f build/synth/work/$$m/netlist.v || { echo "make: no netlist for $$m; run make synth SYNTH_CACHE=none first" >&2; exit 1; }; \
	  cp build/synth/work/$$m/netlist.v build/synth/netlists/$$m.v; done
	@$(RTLGEN) exhaustive --dir build/synth/netlists --modules "$(SYNTH_EXHAUSTIVE_MODULES)" --build build/synth/exhaustive

# Accuracy report of every unit from its golden model (docs/accuracy.*, docs/plots/*.svg; about a
# minute); the bf16 part walks all 2^32 operand pairs (docs/accuracy-bf16.*; a few minutes).
accuracy: rtlgen
	@$(RTLGEN) accuracy --out docs
accuracy-bf16: rtlgen
	@$(RTLGEN) accuracy --bf16 only --out docs

# Energy with glitches (docs/glitch.md; about 5 minutes): every e4m3 and bf16 multiplier mapped as make synth
# maps it, its energy per operation from zero-delay and from timed activity (Icarus Verilog with the cells'
# specify delays, OpenSTA's SDF, inertial and transport delays), and each L-Mul form's ratio to its baselines.
GLITCH_E4M3_PAIRS ?= 2000
GLITCH_BF16_PAIRS ?= 1000
glitch: rtlgen
	@{ echo "# Energy per operation with glitches"; echo; \
	  echo "Written by \`make glitch\` (\`rtlgen glitch\`; see \`rtlgen glitch --help\` for the method). Each unit is mapped"; \
	  echo "to osu018 as \`make synth\` maps it; energy = sum over cell instances of OpenSTA's power at activity 0"; \
	  echo "and 1, weighted by the output changes per cycle a simulation of the mapped netlist counts. zero_delay is"; \
	  echo "the activity model of synth/report.md; the other columns count every pulse the delay model lets through."; \
	  echo "Icarus' own pulse handling is not a commercial simulator's (iverilog issues 746, 753): specify, sdf and"; \
	  echo "inertial bracket what real gates do, transport (every pulse passed) is an upper bound."; echo; \
	  echo '```'; $(RTLGEN) glitch --format e4m3 --count $(GLITCH_E4M3_PAIRS) || exit 1; echo '```'; echo; \
	  echo '```'; $(RTLGEN) glitch --format bf16 --count $(GLITCH_BF16_PAIRS) || exit 1; echo '```'; \
	} > docs/glitch.md.tmp && mv docs/glitch.md.tmp docs/glitch.md || { rm -f docs/glitch.md.tmp; exit 1; }

# Design-space sweep (docs/sweep.md, docs/sweep.json, docs/plots/sweep-pareto.svg): every multiplier on
# E = 4, 5, 8 with M = 1...7 (105 jobs), each generated, checked on every operand pair, synthesised
# (transistors, standard cells, OpenSTA energy) and measured on the same real operands; the cost/error
# frontiers and a verdict per L-Mul configuration. Jobs already done are skipped (a killed run resumes).
# SWEEP_OPTIONS adds plan options (e.g. --units lmul,fpmul --formats e5m1-7), written to build/sweep-report.
SWEEP_DIR ?= build/sweep
SWEEP_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SWEEP_OUT ?= $(if $(SWEEP_OPTIONS),build/sweep-report,docs)
sweep: | rtlgen
	@$(RTLGEN) sweep plan --dir $(SWEEP_DIR) $(SWEEP_OPTIONS)
	@$(RTLGEN) sweep run --dir $(SWEEP_DIR) --jobs $(SWEEP_JOBS)
	@$(RTLGEN) sweep merge --dir $(SWEEP_DIR) --out $(SWEEP_OUT)
	@$(if $(SWEEP_OPTIONS),,$(MAKE) --no-print-directory sweep-mx)

# The MX families (docs/sweep-mx.md, .json, plots/sweep-mx-pareto.svg): every MX multiplier inside a K = 32
# MX block dot on SWEEP_MX_FORMATS, costed per MAC by the cost jobs of make synth's MX section (the same keys:
# read from SYNTH_CACHE, measured only when missing: minutes per design, hours for e5m2) against MX matmul error.
SWEEP_MX_FORMATS ?= e4m3 e3m2fn e2m3fn e2m1fn
SWEEP_MX_UNITS ?= lmul lmul_formula fpmul fpmul_ftz mitchell
sweep-mx: | rtlgen
	@$(RTLGEN) sweep mx --units "$(SWEEP_MX_UNITS)" --formats "$(SWEEP_MX_FORMATS)" --cache $(SYNTH_CACHE) --liberty $(LIBERTY) --jobs $(SWEEP_JOBS) --out docs

# The same from the committed cost results only (nothing is measured), against docs/sweep-mx.json (part of make test).
sweep-mx-check: | rtlgen
	@$(RTLGEN) sweep mx --units "$(SWEEP_MX_UNITS)" --formats "$(SWEEP_MX_FORMATS)" --cache synth/results --cached-only --liberty $(LIBERTY) --jobs $(SWEEP_JOBS) \
	  --work build/sweep-mx-check --out build/sweep-mx-check/report --compare docs/sweep-mx.json

# The quick subset (every unit on e4m3, e5m2, e8m3, e8m4; 20 jobs, run afresh), whose rows must equal
# the committed docs/sweep.json's rows of the same configurations (part of make test).
sweep-quick: | rtlgen
	@rm -rf build/sweep-quick/results
	@$(RTLGEN) sweep plan --dir build/sweep-quick --quick
	@$(RTLGEN) sweep run --dir build/sweep-quick --jobs $(SWEEP_JOBS)
	@$(RTLGEN) sweep merge --dir build/sweep-quick --out build/sweep-quick/report --compare docs/sweep.json

# The Slurm scripts without a cluster: scripts/sweep.sbatch run as every task of a job array (the
# variables Slurm sets, scrambled order), then scripts/sweep-merge.sbatch; the report must equal the
# single-machine one byte for byte (part of make test).
sweep-sbatch-check: | rtlgen
	@RTLGEN=$(RTLGEN) bash scripts/sweep-sbatch-check.sh

# The same on a real one-node Slurm cluster started here (Debian's slurm-wlm and munge, installed if missing;
# needs root): a 3-task array of scripts/sweep.sbatch and the dependent merge, compared with one machine.
sweep-slurm-check: | rtlgen
	@RTLGEN=$(RTLGEN) bash scripts/sweep-slurm-check.sh

swift-test:
	$(SWIFT) build --scratch-path $(SCRATCH) --build-tests
	$(SWIFT) test --scratch-path $(SCRATCH) --skip-build

test: swift-test
	@$(MAKE) --no-print-directory sim
	@$(MAKE) --no-print-directory sweep-quick
	@$(MAKE) --no-print-directory sweep-sbatch-check
	@$(MAKE) --no-print-directory sweep-mx-check

clean:
	rm -rf build

# Formal equivalence (issue 26): each module proven equal to its behavioural description; the table
# says per module what was proven, how and in how long. PROVE_TIME_LIMIT: seconds per full proof.
PROVE_FORMATS ?= e4m3 e5m2 e3m4 e2m1fn e8m7 e5m10 e8m23
PROVE_MULTIPLIERS ?= lmul lmul_formula mitchell fpmul_ftz fpmul
PROVE_EXTRA ?= fpadd_e5m2 fpadd_e3m4 fpadd_e8m7 fpadd_e5m10 fpadd_e8m23 lmul_e4m3_p1 lmul_e4m3_p2 fpmul_e4m3_p2 lmul_e8m23_p2 lmul_formula_e8m23_p2 mitchell_e8m23_p2 pe_lmul_e4m3 pe_fpmul_e4m3 pe_lmul_e5m2
PROVE_MODULES ?= $(foreach f,$(PROVE_FORMATS),$(foreach u,$(PROVE_MULTIPLIERS),$(u)_$(f))) $(PROVE_EXTRA)
PROVE_TIME_LIMIT ?= 20
# seconds per fallback run (the second description, the cut point): fp32 fpadd's takes about 25 s of CPU
PROVE_FALLBACK_TIME_LIMIT ?= 180
# PROVE_FALLBACK: all (cut-point, then the exhaustive stream for 16-bit operands), cut or none
PROVE_FALLBACK ?= all
PROVE_MUTANT ?= lmul_e8m23
prove: | rtlgen
	@mkdir -p build/prove; start=$$(date +%s); $(RTLGEN) prove --generate --dir build/prove/rtl --work build/prove/work --time-limit $(PROVE_TIME_LIMIT) --fallback-time-limit $(PROVE_FALLBACK_TIME_LIMIT) --fallback $(PROVE_FALLBACK) --modules "$(PROVE_MODULES)"; \
	proofs=$$?; echo; echo "a one-gate change of $(PROVE_MUTANT) must fail its proof:"; \
	$(RTLGEN) prove --dir build/prove/rtl --work build/prove/mutant --time-limit $(PROVE_TIME_LIMIT) --fallback none --modules $(PROVE_MUTANT) --gate-mutant 1 > build/prove/mutant.txt 2>&1; \
	status=$$?; cat build/prove/mutant.txt; \
	if [ $$status -eq 1 ] && grep -q ' FAILED ' build/prove/mutant.txt; then echo "make prove: the mutant fails its proof with a counterexample, as it must"; \
	else echo "make prove: the gate mutant of $(PROVE_MUTANT) did not fail its proof with a counterexample (exit $$status)" >&2; exit 1; fi; \
	echo "make prove: $$(( $$(date +%s) - start )) s in all"; \
	if [ $$proofs -ne 0 ]; then echo "make prove: not every design was proven (table above)" >&2; exit $$proofs; fi
