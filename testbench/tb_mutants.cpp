// Verilator testbench for mutation testing, built by `rtlgen mutate`. The design is a unit after
// yosys `mutate -ctrl mutsel ...`: every mutation (one gate input inverted, tied to 0 or 1, or
// connected to another bit) sits behind `mutsel == k`, and mutsel == 0 is the unmutated unit.
// For each k the golden vectors are applied until the first mismatch. Output:
//   MUTANT <k> killed <index>    or    MUTANT <k> survived
// Exit status 0 unless the input is bad or the unmutated design (k = 0) fails.
#include "Vdut.h"
#include "verilated.h"

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

struct Vector { uint32_t a, b, y; };

int main(int argc, char** argv) {
    const char* path = nullptr;
    int mutants = 0;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--mutants") && i + 1 < argc) mutants = std::atoi(argv[++i]);
        else if (argv[i][0] != '+' && argv[i][0] != '-') path = argv[i];
    }
    if (!path || mutants <= 0) { std::fprintf(stderr, "usage: tb_mutants <vectors.hex> --mutants N\n"); return 2; }
    FILE* f = std::fopen(path, "r");
    if (!f) { std::fprintf(stderr, "tb_mutants: cannot open %s\n", path); return 2; }
    std::vector<Vector> vs;
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
        Vector v;
        if (line[0] != '/' && std::sscanf(line, "%" SCNx32 " %" SCNx32 " %" SCNx32, &v.a, &v.b, &v.y) == 3) vs.push_back(v);
    }
    std::fclose(f);

    auto ctx = std::make_unique<VerilatedContext>();
    auto top = std::make_unique<Vdut>(ctx.get());
    int baselineFailed = 0;
    for (int k = 0; k <= mutants; k++) {
        top->mutsel = k;
        long killedAt = -1;
        for (size_t i = 0; i < vs.size(); i++) {
            top->a = vs[i].a;
            top->b = vs[i].b;
            top->eval();
            if ((uint32_t)top->y != vs[i].y) { killedAt = (long)i; break; }
        }
        if (k == 0 && killedAt >= 0) baselineFailed = 1;
        if (killedAt >= 0) std::printf("MUTANT %d killed %ld\n", k, killedAt);
        else std::printf("MUTANT %d survived\n", k);
    }
    std::printf("SUMMARY vectors=%zu mutants=%d\n", vs.size(), mutants);
    top->final();
    return baselineFailed ? 1 : 0;
}
