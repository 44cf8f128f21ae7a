// Icarus Verilog testbench for one output-stationary array (docs/array.md), compiled by `rtlgen sim-array`:
//   iverilog -g2005 -DDUT=<array> -Ptb_array.R=<rows> -Ptb_array.C=<cols> -Ptb_array.N=<bits>
//            -Ptb_array.W=<acc bits> -Ptb_array.CYCLES=<lines> -y <dir> -o tb.vvp tb_array.v <array>.v
//   vvp tb.vvp +stim=<stim.hex> +expect=<expect.hex>
// Reads the same files as tb_array.cpp with $readmemh and checks the same things: every cycle after
// the first, out_valid matches (X or Z count as mismatches: !==), and where it is 1, out_invalid
// and out_acc of that row match bit for bit. Output: MISMATCH / SUMMARY lines as tb_array.cpp.
module tb_array;
    parameter R = 2;
    parameter C = 2;
    parameter N = 8;
    parameter W = 35;
    parameter CYCLES = 16;
    parameter REPORT = 10;
    localparam SW = 4 + R * N + C * N;
    localparam EW = 2 * R + R * W;

    reg  [SW-1:0] stim [0:CYCLES-1];
    reg  [EW-1:0] golden [0:CYCLES-1];
    reg  clk;
    reg  rst, in_valid, in_clear, in_last;
    reg  [R*N-1:0] in_a;
    reg  [C*N-1:0] in_b;
    wire [R-1:0] out_valid, out_invalid;
    wire [R*W-1:0] out_acc;
    reg  [EW-1:0] e;
    reg  [8*512-1:0] stimfile, expectfile;
    integer c, i, mismatches, results;

    `DUT dut (.clk(clk), .rst(rst), .in_valid(in_valid), .in_clear(in_clear), .in_last(in_last), .in_a(in_a), .in_b(in_b),
              .out_valid(out_valid), .out_invalid(out_invalid), .out_acc(out_acc));

    initial begin
        if (!$value$plusargs("stim=%s", stimfile) || !$value$plusargs("expect=%s", expectfile)) begin
            $display("tb_array: give +stim=<file> +expect=<file>");
            $finish;
        end
        $readmemh(stimfile, stim);
        $readmemh(expectfile, golden);
        mismatches = 0;
        results = 0;
        clk = 0;
        for (c = 0; c < CYCLES; c = c + 1) begin
            {rst, in_valid, in_clear, in_last, in_a, in_b} = stim[c];
            #1;
            if (c > 0) begin
                e = golden[c];
                for (i = 0; i < R; i = i + 1) begin
                    if (out_valid[i] !== e[R*W+R+i]) begin
                        if (mismatches < REPORT) $display("MISMATCH %0d %0d valid %h %h", c, i, e[R*W+R+i], out_valid[i]);
                        mismatches = mismatches + 1;
                    end else if (e[R*W+R+i]) begin
                        results = results + 1;
                        if (out_invalid[i] !== e[R*W+i]) begin
                            if (mismatches < REPORT) $display("MISMATCH %0d %0d invalid %h %h", c, i, e[R*W+i], out_invalid[i]);
                            mismatches = mismatches + 1;
                        end
                        if (out_acc[i*W +: W] !== e[i*W +: W]) begin
                            if (mismatches < REPORT) $display("MISMATCH %0d %0d acc %h %h", c, i, e[i*W +: W], out_acc[i*W +: W]);
                            mismatches = mismatches + 1;
                        end
                    end
                end
            end
            clk = 1;
            #1;
            clk = 0;
        end
        $display("SUMMARY cycles=%0d results=%0d mismatches=%0d", CYCLES, results, mismatches);
        $finish;
    end
endmodule
