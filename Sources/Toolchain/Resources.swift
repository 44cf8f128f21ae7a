import Foundation

/// The files rtlgen reads at run time that are not Swift: the testbenches (`testbench/`) and the
/// yosys flow script (`synth/flow.ys`). Found wherever rtlgen runs from, in this order:
///
/// 1. relative to the working directory (the repository root, where `make` runs it): the path is
///    returned as written (`testbench`), so reports and plans name it the same on every machine;
/// 2. relative to the executable: its directory and each one above it (a SwiftPM build,
///    `.build/debug/rtlgen`, is two levels below the checkout), then `../share/lmul-rtl/` (an
///    installed copy beside `bin/rtlgen`);
/// 3. otherwise the relative path itself, which the command's checks then refuse with one line
///    naming it and the option that overrides it (`--testbench DIR`, `--flow FILE`).
public enum Resources {
    /// The testbench directory (tb_cycle.v, tb_cycle.cpp, lanes.v, stream_abi.cpp, ...).
    public static var testbench: String { locate("testbench", marker: "tb_cycle.v") }
    /// The yosys flow script.
    public static var flow: String { locate("synth/flow.ys") }

    /// The directory of the running executable, symlinks resolved (/proc/self/exe).
    public static var executableDirectory: String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let path = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments.first ?? ""
        guard path.hasPrefix("/") else { return nil }
        return (path as NSString).deletingLastPathComponent
    }

    /// Where `relative` (a file, or a directory holding `marker`) is, by the order above.
    public static func locate(_ relative: String, marker: String? = nil, executableDirectory exe: String? = executableDirectory) -> String {
        func present(_ p: String) -> Bool {
            var isDir: ObjCBool = false
            let target = marker.map { (p as NSString).appendingPathComponent($0) } ?? p
            return FileManager.default.fileExists(atPath: target, isDirectory: &isDir) && !isDir.boolValue
        }
        if present(relative) { return relative }
        guard let exe else { return relative }
        var dir = exe
        var candidates: [String] = []
        for _ in 0..<6 {
            candidates.append((dir as NSString).appendingPathComponent(relative))
            let up = (dir as NSString).deletingLastPathComponent
            if up == dir { break }
            dir = up
        }
        candidates.append(((exe as NSString).appendingPathComponent("../share/lmul-rtl") as NSString).appendingPathComponent(relative))
        for c in candidates where present(c) { return URL(fileURLWithPath: c).standardizedFileURL.path }
        return relative
    }
}
