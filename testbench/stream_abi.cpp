// A small C interface around the verilated `lanes` wrapper (lanes.v), so the Swift harness can
// load it with dlopen and stream operand pairs through it in batches, one model per thread.
// Compiled with -DSTREAM_W=<unit width> -DSTREAM_LANES=<lanes> matching lanes.v's parameters.
#include "Vlanes.h"
#include "verilated.h"

#include <cstdint>
#include <cstring>

#ifndef STREAM_W
#error "define STREAM_W (unit width) and STREAM_LANES"
#endif

namespace {
constexpr int kBits = STREAM_W * STREAM_LANES;
constexpr int kWords = (kBits + 31) / 32;
static_assert(kBits > 64, "lanes.v ports must be wide (VlWide) for this packing code");

struct Stream {
    VerilatedContext context;
    Vlanes* model;
    Stream() : model(new Vlanes(&context)) {}
    ~Stream() { model->final(); delete model; }
};

inline void pack(EData* words, const uint32_t* v) {
    std::memset(words, 0, sizeof(EData) * kWords);
    for (int i = 0; i < STREAM_LANES; i++) {
        const uint64_t x = v[i];
        const int off = i * STREAM_W, w = off >> 5, s = off & 31;
        words[w] |= static_cast<EData>(x << s);
        if (s + STREAM_W > 32) words[w + 1] |= static_cast<EData>(x >> (32 - s));
    }
}

inline void unpack(const EData* words, uint32_t* v) {
    const uint64_t mask = (uint64_t{1} << STREAM_W) - 1;
    for (int i = 0; i < STREAM_LANES; i++) {
        const int off = i * STREAM_W, w = off >> 5, s = off & 31;
        uint64_t x = words[w] >> s;
        if (s + STREAM_W > 32) x |= static_cast<uint64_t>(words[w + 1]) << (32 - s);
        v[i] = static_cast<uint32_t>(x & mask);
    }
}
}  // namespace

extern "C" {
void* stream_create() { return new Stream(); }
void stream_destroy(void* handle) { delete static_cast<Stream*>(handle); }
int stream_lanes() { return STREAM_LANES; }
int stream_width() { return STREAM_W; }

// y[i] = unit(a[i], b[i]) for i < n; n is a multiple of stream_lanes().
void stream_eval(void* handle, const uint32_t* a, const uint32_t* b, uint32_t* y, uint64_t n) {
    Vlanes* m = static_cast<Stream*>(handle)->model;
    for (uint64_t base = 0; base + STREAM_LANES <= n; base += STREAM_LANES) {
        pack(m->a.data(), a + base);
        pack(m->b.data(), b + base);
        m->eval();
        unpack(m->y.data(), y + base);
    }
}
}
