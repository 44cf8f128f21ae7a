// swift-tools-version: 6.0
import PackageDescription

// Targets, dependencies pointing one way (each list is what the target's files import and use):
//   HDL (netlist DSL, Verilog emitter, netlist simulator)                      -- no deps
//   FloatArith (formats, golden arithmetic, vectors, samplers)                  -- no deps
//   Units (unit types and their registry, format blocks, PE, array)             -- HDL, FloatArith
//   Toolchain (running tools, lint, Verilator/Icarus model builds and stamps,
//              the worker pool, the progress reporter, tables)                  -- no deps
//   Generation (atomic output writer, manifest with hashes)                     -- Units, Toolchain, FloatArith
//   Verification (unit and array simulation, exhaustive streaming, mutation)   -- Units, HDL, Toolchain, FloatArith
//   GateTiming (timed gate-level simulation of mapped netlists: delay models,
//               value changes per net from a VCD, per-instance activity)       -- Units, Toolchain
//   Synthesis (the costing engine: jobs and cached results in Engine/, one
//              directory per backend, Reports/ renders; the timed backend
//              runs GateTiming)                                                 -- GateTiming, Generation, Units, Toolchain, FloatArith
//   Accuracy (error of every unit from its golden model, plots; reads the
//             synthesis report through Synthesis' own types)                    -- Synthesis, Units, FloatArith, Toolchain
//   Sweep (design-space sweep: plan, sharded jobs, results, Pareto report)     -- Synthesis, Verification, Accuracy,
//                                                                                 Generation, Units, Toolchain, FloatArith
//   RTLGenCommands (the CLI commands)                                           -- all of the above, ArgumentParser
//   rtlgen (executable)                                                         -- RTLGenCommands
let package = Package(
    name: "lmul-rtl",
    products: [
        .executable(name: "rtlgen", targets: ["rtlgen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "HDL"),
        .target(name: "FloatArith"),
        .target(name: "Units", dependencies: ["HDL", "FloatArith"]),
        .target(name: "Toolchain"),
        .target(name: "Generation", dependencies: ["Units", "Toolchain", "FloatArith"]),
        .target(name: "Verification", dependencies: ["Toolchain", "Units", "HDL", "FloatArith"]),
        .target(name: "GateTiming", dependencies: ["Units", "Toolchain"]),
        .target(name: "Synthesis", dependencies: ["GateTiming", "Generation", "Toolchain", "Units", "HDL", "FloatArith"]),
        .target(name: "Accuracy", dependencies: ["Synthesis", "Units", "FloatArith", "Toolchain"]),
        .target(name: "Sweep", dependencies: ["Synthesis", "Accuracy", "Verification", "Generation", "Toolchain", "Units", "FloatArith"]),
        .target(
            name: "RTLGenCommands",
            dependencies: [
                "Sweep", "Accuracy", "Synthesis", "GateTiming", "Verification", "Generation", "Toolchain", "Units", "HDL", "FloatArith",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "rtlgen", dependencies: ["RTLGenCommands"]),
        .testTarget(name: "HDLTests", dependencies: ["HDL"]),
        .testTarget(name: "FloatArithTests", dependencies: ["FloatArith", "Units"]),
        .testTarget(name: "UnitsTests", dependencies: ["Units", "HDL", "FloatArith"]),
        .testTarget(name: "HarnessTests", dependencies: ["GateTiming", "Accuracy", "Synthesis", "Verification", "Generation", "Toolchain", "Units", "HDL", "FloatArith"]),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "Accuracy", "Synthesis", "Generation", "Toolchain", "Units", "FloatArith"]),
        .testTarget(name: "CLITests", dependencies: ["RTLGenCommands", "Sweep", "Accuracy", "Synthesis", "Generation", "Toolchain", "Units", "FloatArith"]),
    ],
    swiftLanguageModes: [.v6]
)
