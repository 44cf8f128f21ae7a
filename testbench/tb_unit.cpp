// Verilator testbench for one combinational unit (ports a, b, y), built by `rtlgen sim` with
//   verilator --cc --exe --build -O3 --trace --prefix Vdut --top-module <unit> <unit>.v tb_unit.cpp
// It reads golden vectors ("a b y" hex per line, '//' comments) written by the Swift golden
// model, applies every vector, and compares y bit for bit. Output, one record per line:
//   MISMATCH <index> <a> <b> <expected> <got>     (the first --report mismatches)
//   SUMMARY vectors=<n> mismatches=<m>
//   VCD <path>                                     (when mismatches and --vcd were given)
// Exit status: 0 when every vector matches, 1 on a mismatch, 2 on bad input.
#include "Vdut.h"
#include "verilated.h"
#include "verilated_vcd_c.h"

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

struct Vector { uint32_t a, b, y; };

static bool readVectors(const char* path, std::vector<Vector>& out) {
    FILE* f = std::fopen(path, "r");
    if (!f) { std::fprintf(stderr, "tb_unit: cannot open %s\n", path); return false; }
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
        if (line[0] == '/' || line[0] == '\n') continue;
        Vector v;
        if (std::sscanf(line, "%" SCNx32 " %" SCNx32 " %" SCNx32, &v.a, &v.b, &v.y) == 3) out.push_back(v);
    }
    std::fclose(f);
    return true;
}

int main(int argc, char** argv) {
    const char* vectors = nullptr;
    const char* vcd = nullptr;
    long report = 10;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--vcd") && i + 1 < argc) vcd = argv[++i];
        else if (!std::strcmp(argv[i], "--report") && i + 1 < argc) report = std::atol(argv[++i]);
        else if (argv[i][0] != '+' && argv[i][0] != '-') vectors = argv[i];
    }
    if (!vectors) { std::fprintf(stderr, "usage: tb <vectors.hex> [--report N] [--vcd out.vcd]\n"); return 2; }
    std::vector<Vector> vs;
    if (!readVectors(vectors, vs)) return 2;

    auto ctx = std::make_unique<VerilatedContext>();
    ctx->traceEverOn(true);
    auto top = std::make_unique<Vdut>(ctx.get());

    long mismatches = 0, first = -1;
    for (size_t i = 0; i < vs.size(); i++) {
        top->a = vs[i].a;
        top->b = vs[i].b;
        top->eval();
        uint32_t got = top->y;
        if (got != vs[i].y) {
            if (mismatches < report)
                std::printf("MISMATCH %zu %" PRIx32 " %" PRIx32 " %" PRIx32 " %" PRIx32 "\n", i, vs[i].a, vs[i].b, vs[i].y, got);
            if (first < 0) first = (long)i;
            mismatches++;
        }
    }
    std::printf("SUMMARY vectors=%zu mismatches=%ld\n", vs.size(), mismatches);

    if (mismatches && vcd) {
        // A short failing sequence: a few passing vectors before the first mismatch, then the
        // next vectors up to 16 in all, one time step each; internal named wires are traced too.
        auto tctx = std::make_unique<VerilatedContext>();
        tctx->traceEverOn(true);
        auto model = std::make_unique<Vdut>(tctx.get());
        auto tfp = std::make_unique<VerilatedVcdC>();
        model->trace(tfp.get(), 99);
        tfp->open(vcd);
        size_t from = first >= 3 ? (size_t)first - 3 : 0;
        uint64_t t = 0;
        for (size_t i = from; i < vs.size() && i < from + 16; i++) {
            model->a = vs[i].a;
            model->b = vs[i].b;
            model->eval();
            tfp->dump(t);
            t += 10;
        }
        tfp->dump(t);
        tfp->close();
        std::printf("VCD %s\n", vcd);
    }
    top->final();
    return mismatches ? 1 : 0;
}
