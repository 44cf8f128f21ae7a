import Foundation

/// At most `limit` characters of a token the user gave, quoted for a one-line message: a 200 MB
/// token must not become a 200 MB line, and a control character in it (a newline, an ESC or OSC
/// sequence from a file or an option value) is written as an escape, never sent to the terminal.
/// Every message that quotes what the user gave quotes it with this.
public func shortQuote(_ token: some StringProtocol, limit: Int = 24) -> String {
    let s = String(token)
    guard s.count > limit else { return "'\(escapedControls(s))'" }
    return "'\(escapedControls(String(s.prefix(limit))))...' (\(s.utf8.count) bytes)"
}

/// Whether a terminal would act on `scalar` rather than show it: C0 and C1 controls, DEL, and the
/// bidirectional overrides and isolates (which reorder the rest of the line).
public func isTerminalControl(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
}

/// `s` with every terminal control written as an escape: \n, \r, \t, else \u{1B} (its code point).
public func escapedControls(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: isTerminalControl) else { return s }
    var out = ""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where isTerminalControl(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
