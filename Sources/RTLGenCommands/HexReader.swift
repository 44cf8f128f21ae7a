import Foundation
import FloatArith
import Toolchain
#if canImport(Glibc)
import Glibc
#endif

/// Bad input found while working (a malformed line of a file the user gave): one line, exit 64,
/// the same status as a bad option, because the user fixes it the same way.
struct BadInput: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// A character named for a message: printable ASCII as itself, everything else by code point and
/// name where people know one ("U+00A0 (no-break space)").
func characterName(_ scalar: Unicode.Scalar) -> String {
    let names: [UInt32: String] = [0x00: "NUL", 0x09: "tab", 0x0B: "vertical tab", 0x0C: "form feed", 0x1B: "escape", 0x7F: "delete",
                                   0xA0: "no-break space", 0x2007: "figure space", 0x202F: "narrow no-break space",
                                   0x200B: "zero-width space", 0xFEFF: "byte-order mark", 0x3000: "ideographic space", 0xFFFD: "not UTF-8"]
    let code = "U+" + String(format: "%04X", scalar.value)
    if let name = names[scalar.value] { return "\(code) (\(name))" }
    if scalar.isASCII && scalar.value >= 0x20 { return "'\(Character(scalar))'" }
    return code
}

/// Lines of a file or of standard input (`-`), read in 64 KiB chunks so memory stays bounded
/// whatever the input's size. A line ends at LF, CR LF or a lone CR; a line longer than
/// `maxLine` bytes is refused (it could only be a mistake: the longest valid line is K values).
struct LineReader {
    static let maxLine = 4 << 20
    static let chunk = 64 << 10

    let name: String
    private let fd: Int32
    private let owned: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEOF = false
    private var pendingCR = false
    private(set) var lineNumber = 0

    /// Opens `path` (`-`: standard input). A missing, unreadable or directory path is bad input
    /// (exit 64); a closed standard input is a failure (exit 1). FIFOs and `<(cmd)` are streams
    /// like standard input and are read the same way.
    init(path: String, label: String) throws {
        if path == "-" {
            fd = try StandardStreams.inputDescriptor()
            owned = false
            name = "\(label) (stdin)"
            return
        }
        guard !path.isEmpty else { throw BadInput("\(label) is an empty path; give a file of hex values or - for standard input") }
        var s = stat()
        guard stat(path, &s) == 0 else {
            throw BadInput("\(label) \(shortQuote(path, limit: 200)) is not a readable file (\(StandardStreams.plainError(errno))); give a file of hex values or - for standard input")
        }
        if s.st_mode & S_IFMT == S_IFDIR {
            throw BadInput("\(label) \(shortQuote(path, limit: 200)) is a directory, not a readable file; give a file of hex values or - for standard input")
        }
        let f = open(path, O_RDONLY | O_CLOEXEC)
        guard f >= 0 else {
            throw BadInput("\(label) \(shortQuote(path, limit: 200)) is not a readable file (\(StandardStreams.plainError(errno))); give a file of hex values or - for standard input")
        }
        fd = f
        owned = true
        name = "\(label) \(path)"
    }

    func close() { if owned { _ = Glibc.close(fd) } }

    /// Reads more bytes into the buffer; false at end of input.
    private mutating func fill() throws -> Bool {
        if atEOF { return false }
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.chunk))
        while true {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(fd, base + old, Self.chunk)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let why = errno
                buffer.removeLast(Self.chunk)
                throw HarnessError("cannot read \(name): \(StandardStreams.plainError(why))")
            }
            buffer.removeLast(Self.chunk - n)
            if n == 0 { atEOF = true }
            return n > 0
        }
    }

    /// The next line (without its end), or nil at the end of input.
    mutating func next() throws -> ArraySlice<UInt8>? {
        var scanned = start
        while true {
            if pendingCR && scanned < buffer.count {
                if buffer[scanned] == 10 { scanned += 1; start = scanned }
                pendingCR = false
            }
            if let end = buffer[scanned...].firstIndex(where: { $0 == 10 || $0 == 13 }) {
                let line = buffer[start..<end]
                if buffer[end] == 13 { pendingCR = true }
                start = end + 1
                lineNumber += 1
                try checkLength(line)
                return line
            }
            scanned = buffer.count
            try checkLength(buffer[start...])
            let offset = scanned - start
            if try !fill() {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return line
            }
            scanned = start + offset
        }
    }

    private func checkLength(_ line: ArraySlice<UInt8>) throws {
        guard line.count > Self.maxLine else { return }
        let n = lineNumber + 1
        // a bad character in it is the likelier mistake (a binary file, /dev/zero): name that
        if let (bad, column) = HexLine.firstBadCharacter(line) {
            throw BadInput("\(name) line \(n): \(characterName(bad)) at column \(column) is not a hex digit, space, comma or tab; give hex values, e.g. 3e 42")
        }
        throw BadInput("\(name) line \(n) is longer than \(Self.maxLine >> 20) MiB (starts \(shortQuote(String(decoding: line.prefix(24), as: UTF8.self)))); give one row of values per line")
    }
}

/// One line of hex values: separated by spaces, commas or tabs, an optional `0x`, `#` starts a
/// comment. Each value must fit `width` bits (leading zeros are fine).
enum HexLine {
    static func isSeparator(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 44 }
    static func isHexDigit(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...70).contains(b) || (97...102).contains(b) }

    /// The first character that is neither a hex digit, a separator, `x`/`X` nor part of a comment,
    /// and its column (1-based, in characters).
    static func firstBadCharacter(_ line: ArraySlice<UInt8>) -> (Unicode.Scalar, Int)? {
        var column = 0
        var i = line.startIndex
        while i < line.endIndex {
            let b = line[i]
            column += 1
            if b == 35 { return nil }   // '#'
            if b < 0x80 {
                if !(isHexDigit(b) || isSeparator(b) || b == 120 || b == 88) { return (Unicode.Scalar(b), column) }
                i += 1
                continue
            }
            // a multi-byte UTF-8 character (or a byte that is not UTF-8)
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            let bytes = line[i..<min(i + length, line.endIndex)]
            let scalar = String(validating: bytes, as: UTF8.self)?.unicodeScalars.first ?? Unicode.Scalar(0xFFFD)!
            return (scalar, column)
        }
        return nil
    }

    /// The values of `line`, or a one-line `BadInput` naming `name`, the line and the problem.
    static func values(_ line: ArraySlice<UInt8>, width: Int, tag: String, name: String, number: Int) throws -> [UInt32] {
        var values: [UInt32] = []
        var i = line.startIndex
        let end = line.firstIndex(of: 35) ?? line.endIndex   // '#'
        while i < end {
            while i < end && isSeparator(line[i]) { i += 1 }
            guard i < end else { break }
            var j = i
            while j < end && !isSeparator(line[j]) { j += 1 }
            let field = line[i..<j]
            values.append(try value(field, width: width, tag: tag, name: name, number: number))
            i = j
        }
        return values
    }

    static func value(_ field: ArraySlice<UInt8>, width: Int, tag: String, name: String, number: Int) throws -> UInt32 {
        var digits = field
        if digits.count >= 2 && digits[digits.startIndex] == 48 && (digits[digits.startIndex + 1] | 0x20) == 120 { digits = digits.dropFirst(2) }
        let text = String(decoding: field, as: UTF8.self)
        if let (bad, column) = firstBadCharacter(digits) ?? (digits.allSatisfy(isHexDigit) ? nil : firstNonDigit(digits)) {
            throw BadInput("\(name) line \(number): \(shortQuote(text)) is not a hex value: \(characterName(bad)) at column \(column) of it; separate values with spaces, commas or tabs")
        }
        guard !digits.isEmpty else { throw BadInput("\(name) line \(number): \(shortQuote(text)) is not a hex value (no digits after 0x)") }
        let significant = digits.drop(while: { $0 == 48 })
        guard significant.count <= 8, let v = UInt64(String(decoding: significant.isEmpty ? [48] : Array(significant), as: UTF8.self), radix: 16),
              v < UInt64(1) << UInt64(width) else {
            throw BadInput("\(name) line \(number): \(text.count > 24 ? shortQuote(text) : text) does not fit \(tag) (\(width) bits); give values below 0x\(String(UInt64(1) << UInt64(width), radix: 16))")
        }
        return UInt32(v)
    }

    private static func firstNonDigit(_ digits: ArraySlice<UInt8>) -> (Unicode.Scalar, Int)? {
        guard let i = digits.firstIndex(where: { !isHexDigit($0) }) else { return nil }
        return (Unicode.Scalar(digits[i]), i - digits.startIndex + 1)
    }
}

/// Reads hex rows from a file or `-` (standard input), for `matmul`, whose matrices are held in
/// memory: at most `maxValues` values, so a huge file is refused before it exhausts memory.
struct HexInput {
    static let maxValues = 1 << 24

    let name: String
    /// (line number, values) for every non-empty line.
    let rows: [(line: Int, values: [UInt32])]

    init(path: String, label: String, format f: FloatFormat) throws {
        var reader = try LineReader(path: path, label: label)
        defer { reader.close() }
        name = reader.name
        var rows: [(Int, [UInt32])] = []
        var total = 0
        while let line = try reader.next() {
            let values = try HexLine.values(line, width: f.width, tag: f.tag, name: reader.name, number: reader.lineNumber)
            if values.isEmpty { continue }
            total += values.count
            if total > Self.maxValues {
                throw BadInput("\(reader.name) holds more than \(Self.maxValues) values (2^24, held in memory); split the product into smaller blocks")
            }
            rows.append((reader.lineNumber, values))
        }
        self.rows = rows
    }
}
