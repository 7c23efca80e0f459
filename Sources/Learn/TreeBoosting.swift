// Fits GradientBoostedTrees: Newton boosting on the logistic loss (each tree fits the gradient
// and curvature of the loss at the current margins, leaves take −G/(H + λ)), trees grown level by
// level on histograms of binned features, a child's histogram got by subtracting its smaller
// sibling's from the parent's. Deterministic: rows are summed in ascending order, and ties
// between equally good splits go to the lowest feature index, then the lowest cut.
import Foundation   // log

extension GradientBoostedTrees {
    /// Fits `labels` (true = positive) on `x`, with optional non-negative sample weights
    /// (rows of weight 0 are left out).
    public static func fit(_ x: FeatureMatrix, labels: [Bool], weights: [Double]? = nil,
                           options: Options = Options()) throws(LearnError) -> GradientBoostedTrees {
        try check(options)
        let w = try checkedWeights(weights, rows: x.rows, labels: labels.count)
        try requireBothClasses(labels, w)
        let n = x.rows
        var positive = 0.0, total = 0.0
        for i in 0..<n { total += w[i]; if labels[i] { positive += w[i] } }
        let base = log(positive / (total - positive))

        var grower = TreeGrower(QuantileBins(x, maxBins: options.maxBins), rows: n, columns: x.columns,
                                active: (0..<n).filter { w[$0] > 0 }.map { Int32($0) }, options: options)
        var margin = [Double](repeating: base, count: n)
        var g = [Double](repeating: 0, count: n), h = [Double](repeating: 0, count: n)
        var trees: [[Node]] = []
        trees.reserveCapacity(options.trees)
        for _ in 0..<options.trees {
            for i in 0..<n where w[i] > 0 {
                let p = logistic(margin[i])
                g[i] = w[i] * (p - (labels[i] ? 1 : 0))
                h[i] = w[i] * p * (1 - p)
            }
            trees.append(grower.grow(g, h, &margin))
        }
        return GradientBoostedTrees(featureCount: x.columns, baseScore: base, trees: trees)
    }

    static func check(_ o: Options) throws(LearnError) {
        func need(_ ok: Bool, _ name: String, _ value: Double, _ requirement: String) throws(LearnError) {
            if !ok { throw .invalidParameter(name: name, value: value, requirement: requirement) }
        }
        try need(o.trees >= 1 && o.trees <= ModelLimits.trees, "trees", Double(o.trees), "1...\(ModelLimits.trees)")
        try need(o.maxDepth >= 1 && o.maxDepth <= ModelLimits.treeDepth, "maxDepth", Double(o.maxDepth), "1...\(ModelLimits.treeDepth)")
        try need(o.learningRate > 0 && o.learningRate <= 1, "learningRate", o.learningRate, "in (0, 1]")
        try need(o.minSamplesLeaf >= 1, "minSamplesLeaf", Double(o.minSamplesLeaf), "at least 1")
        try need(o.l2 >= 0 && o.l2.isFinite, "l2", o.l2, "a finite number ≥ 0")
        try need(o.maxBins >= 2 && o.maxBins <= 256, "maxBins", Double(o.maxBins), "2...256")
        try need(o.minGain >= 0 && o.minGain.isFinite, "minGain", o.minGain, "a finite number ≥ 0")
    }
}

/// Grows one tree at a time over the binned rows.
struct TreeGrower {
    let bins: QuantileBins
    let columns: Int
    /// Histogram slots per feature (the most bins any feature can have).
    let stride: Int
    let options: GradientBoostedTrees.Options
    /// The rows of positive weight, ascending.
    let active: [Int32]
    /// `active` permuted while a tree grows, so that every node's rows are contiguous.
    var order: [Int32]
    var scratch: [Int32]

    /// Sums per (feature, bin): `gh` has shape [columns, stride, 2] (gradient, curvature),
    /// `count` shape [columns, stride].
    struct Histogram {
        var gh: [Double]
        var count: [Int32]
    }

    /// A node waiting to be split or made a leaf: its rows are order[start..<end].
    struct Pending {
        var node: Int, start: Int, end: Int, depth: Int
        var histogram: Histogram
        var g: Double, h: Double
    }

    init(_ bins: QuantileBins, rows: Int, columns: Int, active: [Int32], options: GradientBoostedTrees.Options) {
        self.bins = bins
        self.columns = columns
        self.stride = options.maxBins
        self.options = options
        self.active = active
        self.order = active
        self.scratch = active
    }

    /// One tree fitted to gradients `g` and curvatures `h` (per row); adds its leaf values to `margin`.
    mutating func grow(_ g: [Double], _ h: [Double], _ margin: inout [Double]) -> [GradientBoostedTrees.Node] {
        order = active // ascending at the root: each tree sums in the same order
        var nodes = [GradientBoostedTrees.Node.leaf(0)]
        let root = histogram(0, order.count, g, h)
        var sg = 0.0, sh = 0.0
        for r in order { sg += g[Int(r)]; sh += h[Int(r)] }
        var queue = [Pending(node: 0, start: 0, end: order.count, depth: 0, histogram: root, g: sg, h: sh)]
        var head = 0
        while head < queue.count {
            let p = queue[head]
            queue[head].histogram = Histogram(gh: [], count: []) // release it: the queue only grows
            head += 1
            guard p.depth < options.maxDepth, let split = bestSplit(p) else {
                let value = p.h + options.l2 > 0 ? -p.g / (p.h + options.l2) * options.learningRate : 0
                nodes[p.node] = .leaf(value)
                for k in p.start..<p.end { margin[Int(order[k])] += value }
                continue
            }
            let left = nodes.count
            nodes[p.node] = .init(feature: Int32(split.feature), threshold: bins.cuts[split.feature][split.bin],
                                  left: Int32(left), right: Int32(left + 1), value: 0)
            nodes.append(.leaf(0))
            nodes.append(.leaf(0))
            let middle = partition(p.start, p.end, feature: split.feature, bin: split.bin)
            // Scan the smaller child; the larger one's histogram is the parent's minus it.
            let leftSmaller = middle - p.start <= p.end - middle
            let small = leftSmaller ? histogram(p.start, middle, g, h) : histogram(middle, p.end, g, h)
            var large = p.histogram
            for k in 0..<large.gh.count { large.gh[k] -= small.gh[k] }
            for k in 0..<large.count.count { large.count[k] -= small.count[k] }
            let (lh, rh) = leftSmaller ? (small, large) : (large, small)
            queue.append(Pending(node: left, start: p.start, end: middle, depth: p.depth + 1, histogram: lh,
                                 g: split.g, h: split.h))
            queue.append(Pending(node: left + 1, start: middle, end: p.end, depth: p.depth + 1, histogram: rh,
                                 g: p.g - split.g, h: p.h - split.h))
        }
        return nodes
    }

    /// Sums of g, h and counts per (feature, bin) over order[start..<end].
    func histogram(_ start: Int, _ end: Int, _ g: [Double], _ h: [Double]) -> Histogram {
        let d = columns, s = stride
        var gh = [Double](repeating: 0, count: d * s * 2)
        var count = [Int32](repeating: 0, count: d * s)
        gh.withUnsafeMutableBufferPointer { gh in
            count.withUnsafeMutableBufferPointer { count in
                bins.codes.withUnsafeBufferPointer { codes in
                    for k in start..<end {
                        let r = Int(order[k])
                        let gr = g[r], hr = h[r]
                        let row = r * d
                        for j in 0..<d {
                            let slot = j * s + Int(codes[row + j])
                            gh[2 * slot] += gr
                            gh[2 * slot + 1] += hr
                            count[slot] += 1
                        }
                    }
                }
            }
        }
        return Histogram(gh: gh, count: count)
    }

    /// The split with the largest loss reduction ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)] above
    /// `minGain`, both sides holding at least `minSamplesLeaf` rows; the first found wins ties.
    func bestSplit(_ p: Pending) -> (feature: Int, bin: Int, g: Double, h: Double)? {
        let minLeaf = Int32(options.minSamplesLeaf), lambda = options.l2
        let total = Int32(p.end - p.start)
        guard total >= 2 * minLeaf else { return nil }
        let parent = p.h + lambda > 0 ? p.g * p.g / (p.h + lambda) : 0
        var best: (feature: Int, bin: Int, g: Double, h: Double)?
        var bestGain = options.minGain
        for j in 0..<columns {
            var gl = 0.0, hl = 0.0, cl: Int32 = 0
            for b in 0..<bins.cuts[j].count { // a cut after bin b: bins 0...b go left
                let slot = j * stride + b
                gl += p.histogram.gh[2 * slot]
                hl += p.histogram.gh[2 * slot + 1]
                cl += p.histogram.count[slot]
                if cl < minLeaf { continue }
                if total - cl < minLeaf { break }
                let gr = p.g - gl, hr = p.h - hl
                guard hl + lambda > 0, hr + lambda > 0 else { continue }
                let gain = 0.5 * (gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parent)
                if gain > bestGain {
                    bestGain = gain
                    best = (j, b, gl, hl)
                }
            }
        }
        return best
    }

    /// Stable partition of order[start..<end]: rows with bin ≤ `bin` on `feature` first.
    /// Returns where the right side starts.
    mutating func partition(_ start: Int, _ end: Int, feature: Int, bin: Int) -> Int {
        var write = start
        for k in start..<end where Int(bins.codes[Int(order[k]) * columns + feature]) <= bin {
            scratch[write] = order[k]
            write += 1
        }
        let middle = write
        for k in start..<end where Int(bins.codes[Int(order[k]) * columns + feature]) > bin {
            scratch[write] = order[k]
            write += 1
        }
        for k in start..<end { order[k] = scratch[k] }
        return middle
    }
}
