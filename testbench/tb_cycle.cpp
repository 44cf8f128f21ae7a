// The cycle-level testbench of every design rtlgen checks on Verilator (units of any stage count,
// PE arrays, ...). rtlgen writes a wrapper `tb_wrap` around the design from its signature:
//   module tb_wrap (input clk, input [SW-1:0] stim, output [RW-1:0] out)
// where `stim` is the design's driven inputs concatenated ({p0, p1, ...}, the first on top) and
// `out` its outputs likewise, and builds
//   verilator --cc --exe --build -O3 --trace --prefix Vdut --top-module tb_wrap tb_wrap.v <design> tb_cycle.cpp
//   tb <stim.hex> <expect.hex> --sw SW --rw RW [--clocked] [--report K] [--vcd out.vcd]
// stim.hex: one hex word of SW bits per cycle. expect.hex: one hex word of 2*RW bits per cycle,
// {mask, value}: the output bits to check and their values (both computed by the Swift golden model).
// In cycle c: the clock is low, the inputs are applied and evaluated, every output bit whose mask
// bit is 1 must equal its value (the outputs of cycle c, before its rising edge), then the clock
// rises (clocked designs). Registers power up random with a fixed seed (--x-initial unique), so
// whatever a reset or a clear must initialise is checked. Output, one record per line:
//   MISMATCH <cycle> <expected> <got> <mask>   (the first --report; RW-bit hex words)
//   SUMMARY cycles=<n> checked=<cycles with a mask bit set> mismatches=<m>
//   SIMTIME <seconds of the cycle loop alone>
//   VCD <path>                                  (when there are mismatches and --vcd was given:
//                                                cycles first-3 ... first+12, replayed from reset)
// Exit status: 0 when everything matches, 1 on a mismatch, 2 on bad input.
#include "Vdut.h"
#include "verilated.h"
#include "verilated_vcd_c.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

typedef std::vector<uint32_t> Bits;  // little-endian 32-bit words

static int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// One word per line ('//' comment lines skipped), `width` bits each.
static bool readWords(const char* path, long width, std::vector<Bits>& out) {
    FILE* f = std::fopen(path, "r");
    if (!f) { std::fprintf(stderr, "tb_cycle: cannot open %s\n", path); return false; }
    const size_t words = (size_t)(width + 31) / 32;
    std::string line;
    bool ok = true;
    auto flush = [&]() {
        if (!line.empty() && line[0] != '/') {
            Bits b(words, 0);
            size_t n = line.size();
            for (size_t k = 0; k < n; k++) {
                int d = hexDigit(line[n - 1 - k]);
                if (d < 0) { ok = false; continue; }
                if ((k * 4) / 32 < words) b[(k * 4) / 32] |= (uint32_t)d << ((k * 4) % 32);
            }
            out.push_back(b);
        }
        line.clear();
    };
    int ch;
    while ((ch = std::fgetc(f)) != EOF) {
        if (ch == '\n') flush();
        else if (ch != '\r' && ch != ' ') line.push_back((char)ch);
    }
    flush();
    std::fclose(f);
    if (!ok) std::fprintf(stderr, "tb_cycle: %s has a character that is not a hex digit\n", path);
    return ok;
}

static uint32_t bit(const Bits& b, long pos) {
    size_t w = (size_t)pos / 32;
    return w < b.size() ? (b[w] >> (pos % 32)) & 1 : 0;
}

static void slice(const Bits& b, long lo, long width, Bits& out) {
    out.assign((size_t)(width + 31) / 32, 0);
    for (long k = 0; k < width; k++) out[k / 32] |= bit(b, lo + k) << (k % 32);
}

static std::string hex(const Bits& v, long width) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (long d = (width + 3) / 4 - 1; d >= 0; d--) {
        unsigned nibble = 0;
        for (int k = 0; k < 4 && d * 4 + k < width; k++) nibble |= bit(v, d * 4 + k) << k;
        s.push_back(digits[nibble]);
    }
    return s;
}

template <typename T> static void put(T& port, const Bits& v) {
    uint64_t x = v.empty() ? 0 : v[0];
    if (v.size() > 1) x |= (uint64_t)v[1] << 32;
    port = (T)x;
}
template <std::size_t N> static void put(VlWide<N>& port, const Bits& v) {
    for (std::size_t i = 0; i < N; i++) port[i] = i < v.size() ? v[i] : 0;
}
template <typename T> static void get(const T& port, Bits& out) {
    uint64_t x = (uint64_t)port;
    out.assign(2, 0);
    out[0] = (uint32_t)x;
    out[1] = (uint32_t)(x >> 32);
}
template <std::size_t N> static void get(const VlWide<N>& port, Bits& out) {
    out.assign(N, 0);
    for (std::size_t i = 0; i < N; i++) out[i] = port[i];
}

struct Run {
    long mismatches = 0, checked = 0, first = -1;
};

// Applies cycles [0, end); compares when `check`; dumps cycles [dumpFrom, end) when `tfp`.
static void run(Vdut* top, const std::vector<Bits>& stim, const std::vector<Bits>& expect, long RW, bool clocked,
                size_t end, bool check, long report, Run& r, VerilatedVcdC* tfp, size_t dumpFrom) {
    Bits got, value, mask;
    uint64_t t = 0;
    top->clk = 0;
    for (size_t c = 0; c < end; c++) {
        top->clk = 0;
        put(top->stim, stim[c]);
        top->eval();
        if (tfp && c >= dumpFrom) tfp->dump(t);
        if (check) {
            slice(expect[c], 0, RW, value);
            slice(expect[c], RW, RW, mask);
            get(top->out, got);
            bool any = false, bad = false;
            for (size_t w = 0; w < mask.size(); w++) {
                any = any || mask[w] != 0;
                uint32_t g = w < got.size() ? got[w] : 0;
                if (((g ^ value[w]) & mask[w]) != 0) bad = true;
            }
            if (any) r.checked++;
            if (bad) {
                if (r.mismatches < report)
                    std::printf("MISMATCH %zu %s %s %s\n", c, hex(value, RW).c_str(), hex(got, RW).c_str(), hex(mask, RW).c_str());
                if (r.first < 0) r.first = (long)c;
                r.mismatches++;
            }
        }
        if (clocked) {
            top->clk = 1;
            top->eval();
            if (tfp && c >= dumpFrom) tfp->dump(t + 5);
        }
        t += 10;
    }
    if (tfp) tfp->dump(t);
}

int main(int argc, char** argv) {
    const char* stimPath = nullptr;
    const char* expectPath = nullptr;
    const char* vcd = nullptr;
    long SW = 0, RW = 0, report = 10;
    bool clocked = false;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--sw") && i + 1 < argc) SW = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--rw") && i + 1 < argc) RW = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--report") && i + 1 < argc) report = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--vcd") && i + 1 < argc) vcd = argv[++i];
        else if (!std::strcmp(argv[i], "--clocked")) clocked = true;
        else if (argv[i][0] != '+' && argv[i][0] != '-') (stimPath ? expectPath : stimPath) = argv[i];
    }
    if (!stimPath || !expectPath || SW < 1 || RW < 1) {
        std::fprintf(stderr, "usage: tb <stim.hex> <expect.hex> --sw SW --rw RW [--clocked] [--report K] [--vcd out.vcd]\n");
        return 2;
    }
    std::vector<Bits> stim, expect;
    if (!readWords(stimPath, SW, stim) || !readWords(expectPath, 2 * RW, expect)) return 2;
    if (stim.size() != expect.size()) {
        std::fprintf(stderr, "tb_cycle: %zu stimulus lines but %zu expected lines\n", stim.size(), expect.size());
        return 2;
    }

    auto ctx = std::make_unique<VerilatedContext>();
    ctx->traceEverOn(true);
    ctx->randReset(2);
    ctx->randSeed(12345);
    auto top = std::make_unique<Vdut>(ctx.get());
    Run r;
    auto t0 = std::chrono::steady_clock::now();
    run(top.get(), stim, expect, RW, clocked, stim.size(), true, report, r, nullptr, 0);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    top->final();
    std::printf("SUMMARY cycles=%zu checked=%ld mismatches=%ld\n", stim.size(), r.checked, r.mismatches);
    std::printf("SIMTIME %.6f\n", seconds);

    if (r.mismatches && vcd) {
        // The same cycles from power-up (same seed) on a fresh model, dumping a short window
        // around the first mismatch; internal named wires are traced too.
        auto tctx = std::make_unique<VerilatedContext>();
        tctx->traceEverOn(true);
        tctx->randReset(2);
        tctx->randSeed(12345);
        auto model = std::make_unique<Vdut>(tctx.get());
        auto tfp = std::make_unique<VerilatedVcdC>();
        model->trace(tfp.get(), 99);
        tfp->open(vcd);
        size_t from = r.first >= 3 ? (size_t)r.first - 3 : 0;
        size_t end = std::min(stim.size(), from + 16);
        Run ignored;
        run(model.get(), stim, expect, RW, clocked, end, false, 0, ignored, tfp.get(), from);
        tfp->close();
        model->final();
        std::printf("VCD %s\n", vcd);
    }
    return r.mismatches ? 1 : 0;
}
