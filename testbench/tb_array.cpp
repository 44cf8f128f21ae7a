// Verilator testbench for one output-stationary array (docs/array.md), built by `rtlgen sim-array`:
//   verilator --cc --exe --build -O3 --prefix Vdut --top-module <array> -y <dir> <array>.v tb_array.cpp
//   tb <stim.hex> <expect.hex> --rows R --cols C --n N --w W [--report K]
// stim.hex: one hex word per cycle, {rst, in_valid, in_clear, in_last, in_a, in_b} (MSB first).
// expect.hex: one hex word per cycle, {out_valid, out_invalid, out_acc}, the outputs of that cycle
// (before its rising edge) computed by the Swift golden matmul and the documented latency.
// Registers power up random (fixed seed), so whatever rst and in_clear must initialise is checked.
// Every cycle after the first: out_valid must match; where it is 1, out_invalid and the W-bit
// out_acc of that row must match bit for bit. Output, one record per line:
//   MISMATCH <cycle> <row> <valid|invalid|acc> <expected> <got>   (the first --report)
//   SUMMARY cycles=<n> results=<accumulators checked> mismatches=<m>
//   SIMTIME <seconds of the clocked loop alone>
// Exit status: 0 when everything matches, 1 on a mismatch, 2 on bad input.
#include "Vdut.h"
#include "verilated.h"

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

static bool readWords(const char* path, std::vector<Bits>& out) {
    FILE* f = std::fopen(path, "r");
    if (!f) { std::fprintf(stderr, "tb_array: cannot open %s\n", path); return false; }
    std::string line;
    int ch;
    auto flush = [&]() {
        if (!line.empty() && line[0] != '/') {
            Bits b((line.size() * 4 + 31) / 32, 0);
            size_t n = line.size();
            for (size_t k = 0; k < n; k++) {
                int d = hexDigit(line[n - 1 - k]);
                if (d < 0) continue;
                b[(k * 4) / 32] |= (uint32_t)d << ((k * 4) % 32);
            }
            out.push_back(b);
        }
        line.clear();
    };
    while ((ch = std::fgetc(f)) != EOF) {
        if (ch == '\n') flush();
        else if (ch != '\r' && ch != ' ') line.push_back((char)ch);
    }
    flush();
    std::fclose(f);
    return true;
}

static uint32_t bit(const Bits& b, long pos) {
    size_t w = (size_t)pos / 32;
    return w < b.size() ? (b[w] >> (pos % 32)) & 1 : 0;
}

static void slice(const Bits& b, long lo, long width, Bits& out) {
    out.assign((width + 31) / 32, 0);
    for (long k = 0; k < width; k++) out[k / 32] |= bit(b, lo + k) << (k % 32);
}

// `width` bits as hex digits, most significant first (accumulators can be hundreds of bits wide).
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

int main(int argc, char** argv) {
    const char* stimPath = nullptr;
    const char* expectPath = nullptr;
    long R = 0, C = 0, N = 0, W = 0, report = 10;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--rows") && i + 1 < argc) R = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--cols") && i + 1 < argc) C = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--n") && i + 1 < argc) N = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--w") && i + 1 < argc) W = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--report") && i + 1 < argc) report = std::atol(argv[++i]);
        else if (argv[i][0] != '+' && argv[i][0] != '-') (stimPath ? expectPath : stimPath) = argv[i];
    }
    if (!stimPath || !expectPath || R < 1 || C < 1 || N < 1 || W < 1) {
        std::fprintf(stderr, "usage: tb <stim.hex> <expect.hex> --rows R --cols C --n N --w W [--report K]\n");
        return 2;
    }
    std::vector<Bits> stim, expect;
    if (!readWords(stimPath, stim) || !readWords(expectPath, expect)) return 2;
    if (stim.size() != expect.size()) {
        std::fprintf(stderr, "tb_array: %zu stimulus lines but %zu expected lines\n", stim.size(), expect.size());
        return 2;
    }

    auto ctx = std::make_unique<VerilatedContext>();
    // Registers power up random (built with --x-initial unique), with a fixed seed: runs repeat.
    ctx->randReset(2);
    ctx->randSeed(12345);
    auto top = std::make_unique<Vdut>(ctx.get());
    const long bBits = C * N, aBits = R * N, flags = aBits + bBits;
    Bits a, b, gotValid, gotInvalid, gotAcc, ea, ga;
    long mismatches = 0, results = 0;
    auto t0 = std::chrono::steady_clock::now();
    top->clk = 0;
    for (size_t c = 0; c < stim.size(); c++) {
        const Bits& s = stim[c];
        top->clk = 0;
        top->rst = bit(s, flags + 3);
        top->in_valid = bit(s, flags + 2);
        top->in_clear = bit(s, flags + 1);
        top->in_last = bit(s, flags);
        slice(s, bBits, aBits, a);
        slice(s, 0, bBits, b);
        put(top->in_a, a);
        put(top->in_b, b);
        top->eval();
        if (c > 0) {
            const Bits& e = expect[c];
            get(top->out_valid, gotValid);
            get(top->out_invalid, gotInvalid);
            get(top->out_acc, gotAcc);
            for (long i = 0; i < R; i++) {
                uint32_t ev = bit(e, R * W + R + i), gv = bit(gotValid, i);
                if (ev != gv) {
                    if (mismatches < report) std::printf("MISMATCH %zu %ld valid %x %x\n", c, i, ev, gv);
                    mismatches++;
                    continue;
                }
                if (!ev) continue;
                results++;
                uint32_t ei = bit(e, R * W + i), gi = bit(gotInvalid, i);
                if (ei != gi) {
                    if (mismatches < report) std::printf("MISMATCH %zu %ld invalid %x %x\n", c, i, ei, gi);
                    mismatches++;
                }
                slice(e, i * W, W, ea);
                slice(gotAcc, i * W, W, ga);
                if (ea != ga) {
                    if (mismatches < report) std::printf("MISMATCH %zu %ld acc %s %s\n", c, i, hex(ea, W).c_str(), hex(ga, W).c_str());
                    mismatches++;
                }
            }
        }
        top->clk = 1;
        top->eval();
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("SUMMARY cycles=%zu results=%ld mismatches=%ld\n", stim.size(), results, mismatches);
    std::printf("SIMTIME %.6f\n", seconds);
    top->final();
    return mismatches ? 1 : 0;
}
