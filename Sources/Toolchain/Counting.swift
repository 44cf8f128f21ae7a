/// "1 job", "2 jobs": a count with its noun in the right number, for every line rtlgen prints.
public func counted(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
}
