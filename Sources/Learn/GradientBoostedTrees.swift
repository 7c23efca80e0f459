// A boosted ensemble of small regression trees on the logistic loss: the model, its options and
// per-row scoring. Fitting is in TreeBoosting.swift.

public struct GradientBoostedTrees: Sendable, Equatable {
    /// One node. A leaf has `feature == -1`; an inner node sends a row left when
    /// `row[feature] <= threshold` and right otherwise (a NaN goes right). Children are indices
    /// into the same tree's node array, always greater than the node's own index.
    public struct Node: Sendable, Equatable {
        public var feature: Int32
        public var threshold: Double
        public var left: Int32
        public var right: Int32
        /// The leaf's contribution to the log-odds (learning rate already applied); 0 for inner nodes.
        public var value: Double

        public init(feature: Int32, threshold: Double, left: Int32, right: Int32, value: Double) {
            self.feature = feature
            self.threshold = threshold
            self.left = left
            self.right = right
            self.value = value
        }

        public static func leaf(_ value: Double) -> Node {
            Node(feature: -1, threshold: 0, left: -1, right: -1, value: value)
        }
    }

    public struct Options: Sendable, Equatable {
        /// Number of boosting rounds (trees).
        public var trees: Int = 100
        /// Levels of splits per tree, 1...ModelLimits.treeDepth (12); a depth-3 tree has at most 8 leaves.
        public var maxDepth: Int = 3
        /// Shrinkage applied to every leaf value, in (0, 1].
        public var learningRate: Double = 0.1
        /// A split is kept only if both sides have at least this many rows (of positive weight).
        public var minSamplesLeaf: Int = 20
        /// L2 penalty on leaf values (the λ in −G/(H + λ)), ≥ 0.
        public var l2: Double = 1
        /// Histogram bins per feature, 2...256.
        public var maxBins: Int = 255
        /// A split must improve the penalised loss by more than this.
        public var minGain: Double = 0

        public init(trees: Int = 100, maxDepth: Int = 3, learningRate: Double = 0.1, minSamplesLeaf: Int = 20,
                    l2: Double = 1, maxBins: Int = 255, minGain: Double = 0) {
            self.trees = trees
            self.maxDepth = maxDepth
            self.learningRate = learningRate
            self.minSamplesLeaf = minSamplesLeaf
            self.l2 = l2
            self.maxBins = maxBins
            self.minGain = minGain
        }
    }

    /// Number of features a row must have.
    public let featureCount: Int
    /// The starting log-odds (of the weighted base rate), before any tree.
    public let baseScore: Double
    /// The trees; each tree's root is node 0.
    public let trees: [[Node]]

    /// A model from stored parameters (the file reader checks node indices first).
    public init(featureCount: Int, baseScore: Double, trees: [[Node]]) {
        self.featureCount = featureCount
        self.baseScore = baseScore
        self.trees = trees
    }

    /// The log-odds for one row of `featureCount` values. No allocation.
    @inlinable public func margin(_ row: UnsafeBufferPointer<Double>) -> Double {
        var z = baseScore
        for tree in trees {
            var k = 0
            while true {
                let node = tree[k]
                if node.feature < 0 { z += node.value; break }
                k = Int(row[Int(node.feature)] <= node.threshold ? node.left : node.right)
            }
        }
        return z
    }

    /// How many times each feature is split on, over all trees (a rough importance).
    public var splitCounts: [Int] {
        var counts = [Int](repeating: 0, count: featureCount)
        for tree in trees { for node in tree where node.feature >= 0 { counts[Int(node.feature)] += 1 } }
        return counts
    }
}
