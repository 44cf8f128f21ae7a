// The cycle-level testbench of every design rtlgen checks on Icarus Verilog: the same protocol
// and files as tb_cycle.cpp, around the same generated wrapper `tb_wrap` (clk, stim, out):
//   iverilog -g2005 -Ptb_cycle.SW=<sw> -Ptb_cycle.RW=<rw> -Ptb_cycle.CYCLES=<n> -Ptb_cycle.CLOCKED=<0|1>
//            -o tb.vvp tb_cycle.v tb_wrap.v <design files>
//   vvp tb.vvp +stim=<stim.hex> +expect=<expect.hex> [+vcd=<file.vcd> +vcd_from=<cycle>]
// In cycle c: clock low, inputs applied, outputs compared where the mask is 1 (with !==, so X or Z
// output bits count as mismatches), then the clock rises. Registers power up X, so whatever a
// reset or a clear must initialise is checked. Output: MISMATCH / SUMMARY lines of tb_cycle.cpp;
// with +vcd the cycles vcd_from ... vcd_from+15 are dumped and a VCD line printed (rtlgen runs
// that second pass after a failing one).
module tb_cycle;
    parameter SW = 16;
    parameter RW = 8;
    parameter CYCLES = 1;
    parameter REPORT = 10;
    parameter CLOCKED = 0;

    reg  [SW-1:0] stim_mem [0:CYCLES-1];
    reg  [2*RW-1:0] exp_mem [0:CYCLES-1];
    reg  clk;
    reg  [SW-1:0] stim;
    wire [RW-1:0] out;
    reg  [RW-1:0] value, mask;
    reg  [8*512-1:0] stim_path, exp_path, vcd;
    integer c, mismatches, checked, from, dumping;

    tb_wrap dut (.clk(clk), .stim(stim), .out(out));

    initial begin
        if (!$value$plusargs("stim=%s", stim_path) || !$value$plusargs("expect=%s", exp_path)) begin
            $display("tb_cycle: give +stim=<file> +expect=<file>");
            $finish;
        end
        $readmemh(stim_path, stim_mem);
        $readmemh(exp_path, exp_mem);
        dumping = 0;
        from = CYCLES;
        if ($value$plusargs("vcd=%s", vcd)) begin
            if (!$value$plusargs("vcd_from=%d", from)) from = 0;
            $dumpfile(vcd);
            $dumpvars(0, dut);
            $dumpoff;
            dumping = 1;
        end
        mismatches = 0;
        checked = 0;
        clk = 0;
        for (c = 0; c < CYCLES; c = c + 1) begin
            if (dumping && c == from) $dumpon;
            if (dumping && c == from + 16) $dumpoff;
            clk = 0;
            stim = stim_mem[c];
            #4;
            {mask, value} = exp_mem[c];
            if (|mask) checked = checked + 1;
            if (((out ^ value) & mask) !== {RW{1'b0}}) begin
                if (mismatches < REPORT) $display("MISMATCH %0d %h %h %h", c, value, out, mask);
                mismatches = mismatches + 1;
            end
            #1;
            if (CLOCKED) clk = 1;
            #5;
        end
        $display("SUMMARY cycles=%0d checked=%0d mismatches=%0d", CYCLES, checked, mismatches);
        if (dumping) begin
            $dumpflush;
            $display("VCD %0s", vcd);
        end
        $finish;
    end
endmodule
