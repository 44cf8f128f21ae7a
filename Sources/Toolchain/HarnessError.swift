/// A problem the user can fix, found by the harness (a missing tool or input, an unwritable path,
/// a corrupt manifest): one line saying what is wrong and what to do. The command line prints it
/// as its own error; the harness never decides exit codes.
public struct HarnessError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
