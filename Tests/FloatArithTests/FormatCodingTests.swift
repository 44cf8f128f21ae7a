import FloatArith
import Foundation
import Testing

/// Formats and overflow rules are coded as the names the reports, the sweep and the manifest
/// write: a format as its tag, an overflow rule as "sat" or "inf".
@Suite struct FormatCodingTests {
    struct Box<T: Codable & Equatable>: Codable, Equatable { var value: T }

    func encoded<T: Codable & Equatable>(_ x: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(Box(value: x)), as: UTF8.self)
    }

    func decoded<T: Codable & Equatable>(_ json: String, as: T.Type) throws -> T {
        try JSONDecoder().decode(Box<T>.self, from: Data(json.utf8)).value
    }

    @Test func everyNamedFormatRoundTripsAsItsTag() throws {
        let named: [(FloatFormat, String)] = [(.e4m3, "e4m3"), (.e5m2, "e5m2"), (.bf16, "e8m7"), (.fp16, "e5m10"), (.fp32, "e8m23"),
                                              (.e2m1fn, "e2m1fn"), (.e2m3fn, "e2m3fn"), (.e3m2fn, "e3m2fn")]
        for (f, tag) in named {
            #expect(try encoded(f) == "{\"value\":\"\(tag)\"}")
            let back = try decoded("{\"value\":\"\(tag)\"}", as: FloatFormat.self)
            #expect(back == f && back.encoding == f.encoding)
        }
    }

    @Test func everyFormatOfSPECsRangesRoundTrips() throws {
        for e in FloatFormat.exponentRange {
            for m in FloatFormat.mantissaRange {
                let f = try FloatFormat(exponent: e, mantissa: m)
                #expect(try decoded(try encoded(f), as: FloatFormat.self) == f)
            }
        }
        let finite = try decoded("{\"value\":\"e2m3fn\"}", as: FloatFormat.self)
        #expect(finite.isFinite && !finite.hasNaN && finite == .e2m3fn)
    }

    @Test func aNameThatIsNotATagIsRefused() throws {
        // common names and other spellings the CLI reads are not what the files hold
        for bad in ["bf16", "fp32", "E4M3", "e04m3", "e4m3fn", "e9m3", "e4m0", "e4m24", "e5m2fn", "lmul_e4m3", "", "e4m"] {
            #expect(throws: DecodingError.self, "\(bad)") { try decoded("{\"value\":\"\(bad)\"}", as: FloatFormat.self) }
        }
        do {
            _ = try decoded("{\"value\":\"bf16\"}", as: FloatFormat.self)
        } catch DecodingError.dataCorrupted(let c) {
            #expect(c.debugDescription.contains("'bf16' is not a format tag"))
        }
        do {
            _ = try decoded("{\"value\":\"e4m3fn\"}", as: FloatFormat.self)
        } catch DecodingError.dataCorrupted(let c) {
            #expect(c.debugDescription.contains("not a finite format"))
        }
        #expect(throws: DecodingError.self) { try decoded("{\"value\":43}", as: FloatFormat.self) }
        // a finite format's tag is not the IEEE-style format of the same widths
        #expect(try decoded("{\"value\":\"e2m1fn\"}", as: FloatFormat.self) != (try FloatFormat(exponent: 2, mantissa: 1)))
    }

    @Test func overflowRulesAreTheirRawValues() throws {
        #expect(try encoded(OverflowMode.saturate) == "{\"value\":\"sat\"}")
        #expect(try encoded(OverflowMode.infinity) == "{\"value\":\"inf\"}")
        for o in OverflowMode.allCases { #expect(try decoded(try encoded(o), as: OverflowMode.self) == o) }
        for bad in ["saturate", "infinity", "SAT", ""] {
            #expect(throws: DecodingError.self, "\(bad)") { try decoded("{\"value\":\"\(bad)\"}", as: OverflowMode.self) }
        }
    }
}
