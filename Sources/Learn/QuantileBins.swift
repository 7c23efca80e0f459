// Histogram binning for the tree fitter: per feature, up to `maxBins` bins cut at row-count
// quantiles, with every cut an actual data value, so a split "bin ≤ b" is exactly the rule
// "x ≤ cuts[b]" that scoring applies to raw values.

struct QuantileBins {
    /// Per feature, the increasing cut values; bin b holds cuts[b-1] < x ≤ cuts[b] (bin 0: x ≤
    /// cuts[0]; the last bin: x > every cut). A feature has cuts.count + 1 bins.
    let cuts: [[Double]]
    /// Bin of every value, shape [rows, columns] row-major, like the matrix it came from.
    let codes: [UInt8]

    /// Bins every column of `x`; `maxBins` is in 2...256 (codes are bytes).
    init(_ x: FeatureMatrix, maxBins: Int) {
        let n = x.rows, d = x.columns
        var cuts: [[Double]] = []
        var column = [Double](repeating: 0, count: n)
        for j in 0..<d {
            for i in 0..<n { column[i] = x.values[i * d + j] }
            column.sort()
            cuts.append(Self.cutPoints(sorted: column, maxBins: maxBins))
        }
        var codes = [UInt8](repeating: 0, count: n * d)
        for i in 0..<n {
            for j in 0..<d { codes[i * d + j] = UInt8(Self.bin(x.values[i * d + j], cuts[j])) }
        }
        self.cuts = cuts
        self.codes = codes
    }

    /// Cuts at row-count quantiles of the sorted column, distinct, never the maximum (a cut at
    /// the maximum would leave its upper bin empty). Fewer distinct values than bins: every
    /// distinct value but the largest is a cut, so each value gets its own bin.
    static func cutPoints(sorted: [Double], maxBins: Int) -> [Double] {
        guard let largest = sorted.last else { return [] }
        var distinct: [Double] = []
        for v in sorted where distinct.last != v {
            distinct.append(v)
            if distinct.count > maxBins { break }
        }
        if distinct.count <= maxBins { return Array(distinct.dropLast()) }
        var cuts: [Double] = []
        let n = sorted.count
        for b in 1..<maxBins {
            let v = sorted[(b * n) / maxBins - 1] // n > maxBins here, so the index is ≥ 0
            if v < largest, cuts.last.map({ v > $0 }) ?? true { cuts.append(v) }
        }
        return cuts
    }

    /// The number of cuts below `x` (binary search): x ≤ cuts[b] ⟺ bin(x) ≤ b.
    static func bin(_ x: Double, _ cuts: [Double]) -> Int {
        var low = 0, high = cuts.count
        while low < high {
            let mid = (low + high) / 2
            if cuts[mid] < x { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
