// Icarus Verilog testbench for one combinational unit (ports a, b, y), compiled by `rtlgen sim`:
//   iverilog -g2005 -DDUT=<unit> -Ptb_unit.W=<width> -Ptb_unit.COUNT=<vectors> -o tb.vvp tb_unit.v <unit>.v
//   vvp tb.vvp +vectors=<file.hex> [+vcd=<file.vcd>]
// Reads the same golden vectors as the Verilator testbench with $readmemh (three words per
// vector: a, b, y), applies each, and compares y with !== so X or Z outputs count as mismatches.
// Output: MISMATCH / SUMMARY / VCD lines in the format of tb_unit.cpp.
module tb_unit;
    parameter W = 8;
    parameter COUNT = 65536;
    parameter REPORT = 10;

    reg  [W-1:0] mem [0:3*COUNT-1];
    reg  [W-1:0] a, b;
    wire [W-1:0] y;
    reg  [8*512-1:0] vectors, vcd;
    integer i, mismatches, first, from;

    `DUT dut (.a(a), .b(b), .y(y));

    initial begin
        if (!$value$plusargs("vectors=%s", vectors)) begin
            $display("tb_unit: give +vectors=<file>");
            $finish;
        end
        $readmemh(vectors, mem);
        mismatches = 0;
        first = -1;
        a = 0;
        b = 0;
        for (i = 0; i < COUNT; i = i + 1) begin
            a = mem[3*i];
            b = mem[3*i+1];
            #1;
            if (y !== mem[3*i+2]) begin
                if (mismatches < REPORT) $display("MISMATCH %0d %h %h %h %h", i, a, b, mem[3*i+2], y);
                if (first < 0) first = i;
                mismatches = mismatches + 1;
            end
        end
        $display("SUMMARY vectors=%0d mismatches=%0d", COUNT, mismatches);
        if (mismatches > 0 && $value$plusargs("vcd=%s", vcd)) begin
            // the short failing sequence, as in tb_unit.cpp
            $dumpfile(vcd);
            $dumpvars(0, dut);
            from = first >= 3 ? first - 3 : 0;
            for (i = from; i < COUNT && i < from + 16; i = i + 1) begin
                a = mem[3*i];
                b = mem[3*i+1];
                #10;
            end
            $dumpflush;
            $display("VCD %0s", vcd);
        end
        $finish;
    end
endmodule
