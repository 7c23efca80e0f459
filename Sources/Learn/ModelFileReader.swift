// Reads a version-1 model file into a LearnedModel, trusting nothing: the version first, then
// every key known, every number finite and in range, every array the length the features
// demand, every size under ModelLimits, every tree child a later node of its tree. Each problem
// is a LearnError carrying the file and the line:col of the offending key or value.
import Config

extension LearnedModel {
    /// Parses a model file's bytes; `file` names it in errors.
    public static func parse(bytes: [UInt8], file: String) throws(LearnError) -> LearnedModel {
        guard bytes.count <= ModelLimits.fileBytes else {
            throw .fileTooLarge(file: file, bytes: bytes.count, limit: ModelLimits.fileBytes)
        }
        let root: TOMLTable
        do { root = try TOML.parse(bytes: bytes) } catch { throw .syntax(file: file, error) }
        let r = FileReading(file: file)
        return try r.model(root, provenance: leadingComments(bytes))
    }

    /// The `#` lines before the first other line, each without `#` and one following space.
    static func leadingComments(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            guard line.first == UInt8(ascii: "#") else { break }
            var body = line.dropFirst()
            if body.first == UInt8(ascii: " ") { body = body.dropFirst() }
            if body.last == UInt8(ascii: "\r") { body = body.dropLast() }
            out.append(String(decoding: body, as: UTF8.self))
        }
        return out
    }
}

/// The reader's helpers, each knowing the file name for its errors.
struct FileReading {
    let file: String

    func model(_ root: TOMLTable, provenance: [String]) throws(LearnError) -> LearnedModel {
        // The version before anything else: a newer file should say so, not list unknown keys.
        guard let v = root["version"] else { throw .missingKey(file: file, key: "version", table: "", location: root.location) }
        guard case let .integer(version) = v.value else { throw .wrongType(file: file, key: "version", expected: "an integer", location: v.location) }
        guard version == Int64(LearnedModel.version) else {
            throw .unsupportedVersion(file: file, found: version, supported: LearnedModel.version, location: v.location)
        }
        try allow(root, ["version", "name", "features", "model", "calibrator", "threshold"])
        let name = try string(root, "name", "")
        let featureNodes = try array(root, "features", "", limit: ModelLimits.features)
        var features: [String] = []
        for n in featureNodes.nodes {
            guard case let .string(s) = n.value else { throw .wrongType(file: file, key: "features", expected: "an array of strings", location: n.location) }
            if features.contains(s) { throw .duplicateFeature(file: file, name: s, location: n.location) }
            features.append(s)
        }
        guard !features.isEmpty else { throw .lengthMismatch(file: file, key: "features", count: 0, expected: 1, location: featureNodes.location) }
        let modelTable = try table(root, "model", "")
        let model = try scoringModel(modelTable, features: features.count)
        var calibrator: Calibrator?
        if root["calibrator"] != nil { calibrator = try self.calibrator(try table(root, "calibrator", "")) }
        var thresholds: [Threshold] = []
        if root["threshold"] != nil {
            for t in try tables(root, "threshold", "", limit: ModelLimits.thresholds) { thresholds.append(try threshold(t)) }
        }
        return LearnedModel(name: name, features: features, model: model, calibrator: calibrator,
                            thresholds: thresholds, provenance: provenance)
    }

    func scoringModel(_ t: TOMLTable, features d: Int) throws(LearnError) -> ScoringModel {
        let kind = try string(t, "kind", "model")
        switch kind {
        case "logistic":
            try allow(t, ["kind", "mean", "sd", "weights", "bias"])
            let mean = try floats(t, "mean", "model", count: d)
            let sd = try floats(t, "sd", "model", count: d)
            for (j, s) in sd.values.enumerated() where !(s > 0) {
                throw .outOfRange(file: file, key: "sd[\(j)]", value: s, requirement: "> 0", location: sd.locations[j])
            }
            let weights = try floats(t, "weights", "model", count: d)
            let bias = try float(t, "bias", "model")
            return .logistic(LogisticRegression(mean: mean.values, sd: sd.values, weights: weights.values, bias: bias))
        case "trees":
            try allow(t, ["kind", "base_score", "tree"])
            let base = try float(t, "base_score", "model")
            var trees: [[GradientBoostedTrees.Node]] = []
            var total = 0
            for (k, tree) in try tables(t, "tree", "model", limit: ModelLimits.trees).enumerated() {
                let nodes = try self.tree(tree, index: k, features: d)
                total += nodes.count
                guard total <= ModelLimits.totalNodes else {
                    throw .tooMany(file: file, key: "model.tree (all nodes)", count: total, limit: ModelLimits.totalNodes, location: tree.location)
                }
                trees.append(nodes)
            }
            return .trees(GradientBoostedTrees(featureCount: d, baseScore: base, trees: trees))
        default:
            throw .unknownKind(file: file, kind: kind, allowed: ["logistic", "trees"], location: t["kind"]?.location ?? t.location)
        }
    }

    func tree(_ t: TOMLTable, index k: Int, features d: Int) throws(LearnError) -> [GradientBoostedTrees.Node] {
        try allow(t, ["feature", "threshold", "left", "right", "value"])
        let feature = try integers(t, "feature", "model.tree", count: nil, limit: ModelLimits.nodesPerTree)
        let n = feature.values.count
        guard n >= 1 else { throw .lengthMismatch(file: file, key: "feature", count: 0, expected: 1, location: feature.location) }
        let threshold = try floats(t, "threshold", "model.tree", count: n)
        let left = try integers(t, "left", "model.tree", count: n, limit: ModelLimits.nodesPerTree)
        let right = try integers(t, "right", "model.tree", count: n, limit: ModelLimits.nodesPerTree)
        let value = try floats(t, "value", "model.tree", count: n)
        var nodes: [GradientBoostedTrees.Node] = []
        nodes.reserveCapacity(n)
        var depth = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let f = feature.values[i]
            guard f >= -1 && f < Int64(d) else {
                throw .outOfRange(file: file, key: "feature[\(i)]", value: Double(f), requirement: "-1 (leaf) or a feature index 0...\(d - 1)",
                                  location: feature.locations[i])
            }
            if f == -1 {
                for (side, name) in [(left, "left"), (right, "right")] where side.values[i] != -1 {
                    throw .outOfRange(file: file, key: "\(name)[\(i)]", value: Double(side.values[i]), requirement: "-1 at a leaf",
                                      location: side.locations[i])
                }
                nodes.append(.leaf(value.values[i]))
                continue
            }
            for side in [left, right] {
                let c = side.values[i]
                guard c > Int64(i) && c < Int64(n) else {
                    throw .nodeOutOfRange(file: file, tree: k, node: i, child: Int(clamping: c), nodes: n, location: side.locations[i])
                }
                depth[Int(c)] = max(depth[Int(c)], depth[i] + 1)
                guard depth[Int(c)] <= ModelLimits.treeDepth else {
                    throw .treeTooDeep(file: file, tree: k, limit: ModelLimits.treeDepth, location: side.locations[i])
                }
            }
            nodes.append(.init(feature: Int32(f), threshold: threshold.values[i], left: Int32(left.values[i]),
                               right: Int32(right.values[i]), value: value.values[i]))
        }
        return nodes
    }

    func calibrator(_ t: TOMLTable) throws(LearnError) -> Calibrator {
        let kind = try string(t, "kind", "calibrator")
        switch kind {
        case "platt":
            try allow(t, ["kind", "a", "b"])
            return .platt(a: try float(t, "a", "calibrator"), b: try float(t, "b", "calibrator"))
        case "isotonic":
            try allow(t, ["kind", "x", "y"])
            let x = try floats(t, "x", "calibrator", count: nil, limit: ModelLimits.isotonicKnots)
            guard !x.values.isEmpty else { throw .lengthMismatch(file: file, key: "x", count: 0, expected: 1, location: x.location) }
            let y = try floats(t, "y", "calibrator", count: x.values.count)
            for i in 1..<max(x.values.count, 1) where !(x.values[i] > x.values[i - 1]) {
                throw .notIncreasing(file: file, key: "x", index: i, location: x.locations[i])
            }
            for (i, p) in y.values.enumerated() {
                guard p >= 0 && p <= 1 else { throw .outOfRange(file: file, key: "y[\(i)]", value: p, requirement: "in [0, 1]", location: y.locations[i]) }
                guard i == 0 || p >= y.values[i - 1] else {
                    throw .outOfRange(file: file, key: "y[\(i)]", value: p, requirement: "≥ y[\(i - 1)] (non-decreasing)", location: y.locations[i])
                }
            }
            return .isotonic(IsotonicCalibrator(x: x.values, y: y.values))
        default:
            throw .unknownKind(file: file, kind: kind, allowed: ["platt", "isotonic"], location: t["kind"]?.location ?? t.location)
        }
    }

    func threshold(_ t: TOMLTable) throws(LearnError) -> Threshold {
        try allow(t, ["name", "target_precision", "accept", "samples", "accepted", "correct"])
        let name = try string(t, "name", "threshold")
        let target = try float(t, "target_precision", "threshold")
        try within(target, 0...1, "target_precision", t["target_precision"]?.location ?? t.location)
        var accept: Double?
        if let node = t["accept"] {
            accept = try float(t, "accept", "threshold")
            try within(accept ?? 0, 0...1, "accept", node.location)
        }
        let samples = try count(t, "samples", atMost: Int.max)
        let accepted = try count(t, "accepted", atMost: samples)
        let correct = try count(t, "correct", atMost: accepted)
        return Threshold(name: name, targetPrecision: target, accept: accept, samples: samples, accepted: accepted, correct: correct)
    }

    /// A non-negative integer no larger than `bound` (the count it is part of).
    func count(_ t: TOMLTable, _ key: String, atMost bound: Int) throws(LearnError) -> Int {
        guard let node = t[key] else { throw .missingKey(file: file, key: key, table: "threshold", location: t.location) }
        guard case let .integer(v) = node.value else { throw .wrongType(file: file, key: key, expected: "an integer", location: node.location) }
        guard v >= 0 && v <= Int64(bound) else {
            throw .outOfRange(file: file, key: key, value: Double(v), requirement: "in 0...\(bound)", location: node.location)
        }
        return Int(v)
    }

    func within(_ v: Double, _ range: ClosedRange<Double>, _ key: String, _ location: SourceLocation) throws(LearnError) {
        guard range.contains(v) else {
            throw .outOfRange(file: file, key: key, value: v, requirement: "in [\(range.lowerBound), \(range.upperBound)]", location: location)
        }
    }
}
