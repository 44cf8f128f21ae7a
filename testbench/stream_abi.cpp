// A small C interface around the verilated `lanes` wrapper (lanes.v), so the Swift harness can
// load it with dlopen and stream packed stimulus words (the cycle testbench's protocol: a design's
// inputs packed per its signature) through it in batches, one model per thread.
// Compiled with -DSTREAM_SW=<stimulus bits> -DSTREAM_RW=<result bits> -DSTREAM_LANES=<lanes> and
// -DSTREAM_LATENCY=<cycles> matching lanes.v's parameters and the design (both words at most 32 bits).
#include "Vlanes.h"
#include "verilated.h"

#include <cstdint>
#include <cstring>

#if !defined(STREAM_SW) || !defined(STREAM_RW) || !defined(STREAM_LANES) || !defined(STREAM_LATENCY)
#error "define STREAM_SW, STREAM_RW, STREAM_LANES and STREAM_LATENCY"
#endif

namespace {
static_assert(STREAM_SW <= 32 && STREAM_RW <= 32, "stream_abi packs words of at most 32 bits");
constexpr int kStimBits = STREAM_SW * STREAM_LANES;
constexpr int kOutBits = STREAM_RW * STREAM_LANES;
constexpr int kStimWords = (kStimBits + 31) / 32;
static_assert(kStimBits > 64 && kOutBits > 64, "lanes.v ports must be wide (VlWide) for this packing code");

struct Stream {
    VerilatedContext context;
    Vlanes* model;
    Stream() : model(new Vlanes(&context)) {}
    ~Stream() { model->final(); delete model; }
};

inline void pack(EData* words, const uint32_t* v) {
    std::memset(words, 0, sizeof(EData) * kStimWords);
    for (int i = 0; i < STREAM_LANES; i++) {
        const uint64_t x = v ? v[i] : 0;
        const int off = i * STREAM_SW, w = off >> 5, s = off & 31;
        words[w] |= static_cast<EData>(x << s);
        if (s + STREAM_SW > 32) words[w + 1] |= static_cast<EData>(x >> (32 - s));
    }
}

inline void unpack(const EData* words, uint32_t* v) {
    const uint64_t mask = (uint64_t{1} << STREAM_RW) - 1;
    for (int i = 0; i < STREAM_LANES; i++) {
        const int off = i * STREAM_RW, w = off >> 5, s = off & 31;
        uint64_t x = words[w] >> s;
        if (s + STREAM_RW > 32) x |= static_cast<uint64_t>(words[w + 1]) << (32 - s);
        v[i] = static_cast<uint32_t>(x & mask);
    }
}
}  // namespace

extern "C" {
void* stream_create() { return new Stream(); }
void stream_destroy(void* handle) { delete static_cast<Stream*>(handle); }
int stream_lanes() { return STREAM_LANES; }
int stream_sw() { return STREAM_SW; }
int stream_rw() { return STREAM_RW; }
int stream_latency() { return STREAM_LATENCY; }

// out[i] = the design's packed outputs for stim[i], i < n; n is a multiple of stream_lanes().
// A design with register stages is clocked once per batch; its outputs are read STREAM_LATENCY
// batches later (zeros are driven while the last batches drain), so out lines up with stim.
void stream_eval(void* handle, const uint32_t* stim, uint32_t* out, uint64_t n) {
    Vlanes* m = static_cast<Stream*>(handle)->model;
    const uint64_t batches = n / STREAM_LANES;
    for (uint64_t j = 0; j < batches + STREAM_LATENCY; j++) {
        m->clk = 0;
        pack(m->stim.data(), j < batches ? stim + j * STREAM_LANES : nullptr);
        m->eval();
        if (j >= (uint64_t)STREAM_LATENCY) unpack(m->out.data(), out + (j - STREAM_LATENCY) * STREAM_LANES);
        if (STREAM_LATENCY > 0) {
            m->clk = 1;
            m->eval();
        }
    }
}
}
