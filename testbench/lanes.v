// Exhaustive-streaming wrapper: LANES copies of one unit side by side, so one eval() of the
// verilated model checks LANES operand pairs. `rtlgen exhaustive` builds it with Verilator
// (--cc --exe --build -O3 -DDUT=<unit> -GW=<width> -GLANES=<lanes>, plus stream_abi.cpp) into a shared library that the Swift golden model drives through stream_abi.cpp's C functions.
// The unit is instantiated unchanged; this file adds no logic.
module lanes #(
    parameter W = 16,
    parameter LANES = 32
) (
    input  wire [W*LANES-1:0] a,
    input  wire [W*LANES-1:0] b,
    output wire [W*LANES-1:0] y
);
    genvar i;
    generate
        for (i = 0; i < LANES; i = i + 1) begin : lane
            `DUT u (
                .a(a[i*W +: W]),
                .b(b[i*W +: W]),
                .y(y[i*W +: W])
            );
        end
    endgenerate
endmodule
