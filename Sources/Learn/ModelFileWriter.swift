// Writes a LearnedModel as a version-1 model file (docs/learned-models.md). Every number is
// printed in Swift's shortest round-trip form (`Double.description`), keys in a fixed order and
// arrays on one line, so the same model always gives the same bytes and reading them back gives
// the same Doubles.

extension LearnedModel {
    /// The file's text. Non-finite numbers cannot be written (TOML's nan/inf are rejected by the
    /// reader); a fitted model never holds one.
    public func render() -> String {
        var out = ""
        for line in provenance {
            for part in line.split(separator: "\n", omittingEmptySubsequences: false) {
                out += part.isEmpty ? "#\n" : "# \(part)\n"
            }
        }
        out += "version = \(Self.version)\n"
        out += "name = \(quoted(name))\n"
        out += "features = [\(features.map(quoted).joined(separator: ", "))]\n"
        out += "\n[model]\n"
        switch model {
        case let .logistic(m):
            out += "kind = \"logistic\"\n"
            out += "mean = \(list(m.mean))\n"
            out += "sd = \(list(m.sd))\n"
            out += "weights = \(list(m.weights))\n"
            out += "bias = \(number(m.bias))\n"
        case let .trees(m):
            out += "kind = \"trees\"\n"
            out += "base_score = \(number(m.baseScore))\n"
            for tree in m.trees {
                out += "\n[[model.tree]]\n"
                out += "feature = [\(tree.map { String($0.feature) }.joined(separator: ", "))]\n"
                out += "threshold = \(list(tree.map(\.threshold)))\n"
                out += "left = [\(tree.map { String($0.left) }.joined(separator: ", "))]\n"
                out += "right = [\(tree.map { String($0.right) }.joined(separator: ", "))]\n"
                out += "value = \(list(tree.map(\.value)))\n"
            }
        }
        if let calibrator {
            out += "\n[calibrator]\n"
            switch calibrator {
            case let .platt(a, b):
                out += "kind = \"platt\"\na = \(number(a))\nb = \(number(b))\n"
            case let .isotonic(m):
                out += "kind = \"isotonic\"\nx = \(list(m.x))\ny = \(list(m.y))\n"
            }
        }
        for t in thresholds {
            out += "\n[[threshold]]\n"
            out += "name = \(quoted(t.name))\n"
            out += "target_precision = \(number(t.targetPrecision))\n"
            if let accept = t.accept { out += "accept = \(number(accept))\n" }
            out += "samples = \(t.samples)\naccepted = \(t.accepted)\ncorrect = \(t.correct)\n"
        }
        return out
    }
}

/// Shortest round-trip decimal, always with a '.' or exponent so TOML reads a float: Swift
/// prints 3 as "3.0" and 1e-5 as "1e-05", both valid TOML floats.
func number(_ x: Double) -> String { x.description }

func list(_ xs: [Double]) -> String { "[" + xs.map(number).joined(separator: ", ") + "]" }

/// A TOML basic string: quotes, backslashes and control characters escaped.
func quoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 || u.value == 0x7F {
                let hex = String(u.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}
