// Decimal rounding for numbers sent in replies and shown to people: one rule everywhere (half away
// from zero, the sign kept for negatives), so a figure reads the same in `nerve stats`, a reply
// and a log line.

public enum Decimals {
    /// `x` rounded to `places` decimals (non-finite values unchanged).
    public static func rounded(_ x: Double, places: Int) -> Double {
        guard x.isFinite else { return x }
        let scale = power(places)
        let r = (abs(x) * scale).rounded() / scale
        return x < 0 ? -r : r
    }

    /// `x` with exactly `places` decimals: "0.05", "-1.50", "12".
    public static func fixed(_ x: Double, places: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
        let p = max(0, min(places, 15))
        let scale = power(p)
        // Beyond 2^53 a double holds no fraction; print the integer part as it is.
        guard abs(x) * scale < 9e15 else { return String(Int64(x.rounded())) }
        let n = Int64((abs(x) * scale).rounded())
        let sign = x < 0 && n != 0 ? "-" : ""
        let whole = n / Int64(scale)
        guard p > 0 else { return sign + String(whole) }
        let frac = String(n % Int64(scale))
        return sign + String(whole) + "." + String(repeating: "0", count: p - frac.count) + frac
    }

    private static func power(_ places: Int) -> Double {
        var s = 1.0
        for _ in 0..<max(0, min(places, 15)) { s *= 10 }
        return s
    }
}
