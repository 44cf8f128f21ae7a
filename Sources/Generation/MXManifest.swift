import FloatArith
import Units

extension Manifest {
    /// The manifest entry of an MX block dot product (`rtlgen mxdot`): unit `mxdot`, the element
    /// format, and its multiplier, block size, scale format and register stages as parameters.
    public static func entry(for d: MXDotDesign) -> Entry {
        Entry(module: d.moduleName, file: d.fileName, unit: "mxdot", format: FormatInfo(d.element),
              parameters: ["multiplier": d.kind.rawValue, "block": "\(d.blockSize)", "scale": d.block.scale.rawValue,
                           "stages": "\(d.stages)", "latency": "\(d.latency)"],
              spec: "MX block formats and the MX dot product", command: d.command, submodules: nil, sha256: nil)
    }
}
