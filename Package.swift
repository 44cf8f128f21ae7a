// swift-tools-version: 6.0
import PackageDescription

// Targets, dependencies pointing one way:
//   HDL (netlist DSL, Verilog emitter, netlist simulator)      -- no deps
//   FloatArith (formats, golden models, vectors)                -- no deps
//   Units (unit generators written in the DSL)                  -- HDL, FloatArith
//   Harness (simulation, synthesis, reports)                    -- Units, HDL, FloatArith
//   RTLGenCommands (the CLI commands)                           -- Harness, ArgumentParser
//   rtlgen (executable)                                         -- RTLGenCommands
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
        .target(name: "Harness", dependencies: ["Units", "HDL", "FloatArith"]),
        .target(
            name: "RTLGenCommands",
            dependencies: [
                "Harness", "Units", "HDL", "FloatArith",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "rtlgen", dependencies: ["RTLGenCommands"]),
        .testTarget(name: "HDLTests", dependencies: ["HDL"]),
        .testTarget(name: "FloatArithTests", dependencies: ["FloatArith", "Units"]),
        .testTarget(name: "UnitsTests", dependencies: ["Units", "HDL", "FloatArith"]),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "Units", "HDL", "FloatArith"]),
        .testTarget(name: "CLITests", dependencies: ["RTLGenCommands", "Harness", "Units", "FloatArith"]),
    ],
    swiftLanguageModes: [.v6]
)
