# lmul-rtl: generate, simulate and synthesise L-Mul units and the exact fp baseline.
#   make            generate (if stale), simulate and synthesise the default design set
#   make test       swift test, then make sim on the default set (what CI runs)
# Variables: MANTISSA="3 2" (formats by fraction bits), EXPONENT=E (for formats SPEC gives no
# default for), UNITS="lmul lmul_formula fpmul fpmul_ftz", SIM="verilator icarus".

SHELL := bash
.DEFAULT_GOAL := all
SWIFT ?= swift
# SwiftPM build directory (a second checkout or tool can use its own, e.g. SCRATCH=.build-x).
SCRATCH ?= .build
RTLGEN := $(SCRATCH)/release/rtlgen

MANTISSA ?= 3 2
EXPONENT ?=
UNITS ?= lmul lmul_formula fpmul fpmul_ftz
SIM ?= verilator icarus

# Generator sources: a unit file older than any of these is regenerated (a hand-edited file is
# newer, so it is simulated as edited).
GEN_SOURCES := $(wildcard Sources/HDL/*.swift Sources/FloatArith/*.swift Sources/Units/*.swift)

tag_3 := e4m3
tag_2 := e5m2
tag_7 := e8m7
tag_10 := e5m10
tag_23 := e8m23
format_tag = $(if $(EXPONENT),e$(EXPONENT)m$(1),$(if $(tag_$(1)),$(tag_$(1)),$(error MANTISSA=$(1) has no default format: add EXPONENT=E (2...8))))
FORMATS := $(foreach m,$(MANTISSA),$(call format_tag,$(m)))
DEFAULT_FORMATS := e4m3 e5m2
# The committed rtl/ holds the default set only; other formats are generated under build/rtl.
RTL_DIR ?= $(if $(filter-out $(DEFAULT_FORMATS),$(FORMATS)),build/rtl,rtl)
MODULES := $(foreach f,$(FORMATS),$(foreach u,$(UNITS),$(u)_$(f)))
MODULE_FILES := $(MODULES:%=$(RTL_DIR)/%.v)

.PHONY: all rtlgen rtl units test swift-test clean help

all: units

help:
	@sed -n '1,6p' Makefile | sed 's/^# \{0,1\}//'

# Build (or confirm up to date) the release rtlgen binary.
rtlgen:
	@$(SWIFT) build -c release --scratch-path $(SCRATCH) --product rtlgen 2>&1 | grep -v -e '^\[' -e '^Building' -e '^Build of product' -e 'Compiling' -e 'Write swift-version' || true
	@test -x $(RTLGEN) || { echo "make: building rtlgen failed; run 'swift build -c release' to see why" >&2; exit 1; }

# Generate a unit when it is missing or older than the generator sources.
$(RTL_DIR)/%.v: $(GEN_SOURCES) | rtlgen
	@unit=$$(sed -E 's/_e[0-9]+m[0-9]+$$//' <<< "$*"); e=$$(sed -E 's/.*_e([0-9]+)m[0-9]+$$/\1/' <<< "$*"); \
	m=$$(sed -E 's/.*_e[0-9]+m([0-9]+)$$/\1/' <<< "$*"); \
	$(RTLGEN) --exponent $$e --mantissa $$m --units $$unit --out $(RTL_DIR)

units: $(MODULE_FILES)

# Regenerate the selected set unconditionally.
rtl: rtlgen
	@for m in $(MANTISSA); do $(RTLGEN) $(if $(EXPONENT),--exponent $(EXPONENT)) --mantissa $$m --units $$(tr ' ' ',' <<< "$(UNITS)") --out $(RTL_DIR) || exit 1; done

swift-test:
	$(SWIFT) build --scratch-path $(SCRATCH) --build-tests
	$(SWIFT) test --scratch-path $(SCRATCH) --skip-build

test: swift-test

clean:
	rm -rf build
