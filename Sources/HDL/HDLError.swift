/// A design error found while building a module. `ModuleBuilder` records these as expressions are
/// built (so the message names the operands) and `finish()` throws the first one.
public enum HDLError: Error, Equatable, CustomStringConvertible {
    case widthMismatch(module: String, operation: String, operands: [String])
    case sliceOutOfRange(module: String, operand: String, width: Int, hi: Int, lo: Int)
    case invalidWidth(module: String, what: String, width: Int)
    case constantTooWide(module: String, value: String, width: Int)
    case invalidName(module: String, name: String, reason: String)
    case duplicateName(module: String, name: String)
    case undriven(module: String, kind: String, name: String)
    case multipleDrivers(module: String, name: String)
    case notAssignable(module: String, operand: String)
    case combinationalLoop(module: String, path: [String])
    case foreignSignal(module: String, operand: String)
    case instanceMismatch(module: String, instance: String, detail: String)
    case noClock(module: String, register: String)
    /// A netlist edit (`NetlistEdit`) names something the module does not have.
    case noSuchName(module: String, kind: String, name: String)
    /// A netlist edit that cannot be made, or would change nothing.
    case invalidEdit(module: String, detail: String)

    public var description: String {
        switch self {
        case let .widthMismatch(m, op, operands):
            return "\(m): width mismatch in '\(op)': \(operands.joined(separator: ", "))"
                + " (make the widths equal with .zext(to:), .sext(to:) or .trunc(to:))"
        case let .sliceOutOfRange(m, operand, width, hi, lo):
            return "\(m): slice [\(hi):\(lo)] is outside \(operand), which is \(width) bits wide "
                + "(valid bits are [\(width - 1):0], hi >= lo)"
        case let .invalidWidth(m, what, width):
            return "\(m): \(what) has width \(width); widths must be at least 1"
        case let .constantTooWide(m, value, width):
            return "\(m): constant \(value) does not fit in \(width) bits"
        case let .invalidName(m, name, reason):
            return "\(m): '\(name)' cannot be used as a name: \(reason)"
        case let .duplicateName(m, name):
            return "\(m): the name '\(name)' is declared twice"
        case let .undriven(m, kind, name):
            return "\(m): \(kind) '\(name)' is never driven (assign it before finish())"
        case let .multipleDrivers(m, name):
            return "\(m): '\(name)' is driven twice; every wire and register has exactly one driver"
        case let .notAssignable(m, operand):
            return "\(m): \(operand) is not a declared wire, output or register, so it cannot be assigned"
        case let .combinationalLoop(m, path):
            return "\(m): combinational loop through \(path.joined(separator: " -> "))"
        case let .foreignSignal(m, operand):
            return "\(m): \(operand) belongs to another module; connect it through an instance port"
        case let .instanceMismatch(m, inst, detail):
            return "\(m): instance '\(inst)': \(detail)"
        case let .noClock(m, reg):
            return "\(m): register '\(reg)' needs a clock; declare one with clock(\"clk\") first"
        case let .noSuchName(m, kind, name):
            return "\(m): there is no \(kind) named '\(name)' to edit"
        case let .invalidEdit(m, detail):
            return "\(m): \(detail)"
        }
    }
}
