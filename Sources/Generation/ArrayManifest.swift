import FloatArith
import Units
import Toolchain

extension Manifest {
    /// The manifest entries of an array design: its unit, PE, cell and array modules, each naming
    /// the modules it instantiates (files in the same directory), so a flow can read them
    /// hierarchically.
    public static func entries(for d: ArrayDesign) -> [Entry] {
        let unitEntry = entry(for: d.unit)
        var params = Dictionary(uniqueKeysWithValues: d.unit.parameters)
        params["acc_width"] = "\(d.accumulatorWidth)"
        params["acc_lsb"] = d.pe.lsbText
        // SPEC "Pipelined PEs": a pipelined multiplier's S and the accumulation adder's L
        if d.unit.stages > 0 { params["stages"] = "\(d.unit.stages)" }
        if d.pe.hasPartialSums { params["acc_stages"] = "\(d.pe.accumulatorStages)" }
        let fmt = FormatInfo(d.format)
        let spec = "Processing elements and arrays"
        let pe = Entry(module: d.pe.moduleName, file: d.pe.fileName, unit: "pe", format: fmt, parameters: params.merging(["multiplier": d.unit.kind.rawValue]) { $1 },
                       spec: spec, command: d.command, submodules: [d.unit.moduleName])
        let cell = Entry(module: d.cellModuleName, file: "\(d.cellModuleName).v", unit: "array_cell", format: fmt,
                         parameters: params.merging(["multiplier": d.unit.kind.rawValue]) { $1 }, spec: spec, command: d.command,
                         submodules: [d.pe.moduleName])
        var arrayParams = params.merging(["multiplier": d.unit.kind.rawValue]) { $1 }
        arrayParams["rows"] = "\(d.rows)"
        arrayParams["cols"] = "\(d.cols)"
        let array = Entry(module: d.moduleName, file: d.fileName, unit: "array", format: fmt, parameters: arrayParams, spec: spec,
                          command: d.command, submodules: [d.cellModuleName])
        return [unitEntry, pe, cell, array]
    }
}
