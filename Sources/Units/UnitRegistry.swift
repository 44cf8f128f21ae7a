/// The units the generator emits, in the order every listing, simulation and report uses. A new
/// unit is a file in Multipliers/ (or Adders/) plus its line here.
extension UnitKind {
    public static let registry: [UnitKind] = [
        .lmul,
        .lmulFormula,
        .fpmul,
        .fpmulFTZ,
        .mitchell,
        .fpadd,
    ]
}
