// The module's one error type: bad training input or parameters, and every problem the model-file
// reader can find. Cases carry data only; the English is in `message`, and `description` is the
// compiler-style `file:line:col: message` for file problems.
import Config

public enum LearnError: Error, CustomStringConvertible, Sendable, Hashable {
    // Fitting and scoring.
    /// No rows (or, for a calibrator, no scores) to learn from.
    case emptyData
    /// `what` has `count` entries where `expected` were needed (labels per row, row width...).
    case shapeMismatch(what: String, count: Int, expected: Int)
    /// A training value that is NaN or infinite, at row `row`, column `column` (-1: label/weight/score).
    case notFiniteInput(what: String, row: Int, column: Int)
    /// A fitting parameter outside its allowed range; `requirement` says the range in words.
    case invalidParameter(name: String, value: Double, requirement: String)
    /// Every row that carries weight has the same label, so log-odds fitting has no finite optimum.
    case oneClass(label: Bool)
    /// Grouped cross-validation needs at least as many distinct groups as folds.
    case tooFewGroups(groups: Int, folds: Int)

    // Reading a model file; `file` is the path as the caller names it.
    /// The bytes are not valid TOML.
    case syntax(file: String, ConfigError)
    /// The file is larger than the reader accepts.
    case fileTooLarge(file: String, bytes: Int, limit: Int)
    /// `version` is not one this build reads.
    case unsupportedVersion(file: String, found: Int64, supported: Int, location: SourceLocation)
    /// A required key is absent from `table` (`""` for the top level).
    case missingKey(file: String, key: String, table: String, location: SourceLocation)
    /// A key this format does not define (a typo, or a newer writer).
    case unknownKey(file: String, key: String, location: SourceLocation)
    /// `key` holds a value of the wrong TOML type.
    case wrongType(file: String, key: String, expected: String, location: SourceLocation)
    /// `kind` names no model or calibrator kind this build knows.
    case unknownKind(file: String, kind: String, allowed: [String], location: SourceLocation)
    /// A NaN or infinite number (element `index` of an array, or -1 for a scalar).
    case notFinite(file: String, key: String, index: Int, location: SourceLocation)
    /// A number outside the range the format allows (a standard deviation ≤ 0, a probability > 1...).
    case outOfRange(file: String, key: String, value: Double, requirement: String, location: SourceLocation)
    /// Array `key` has `count` elements where `expected` were required.
    case lengthMismatch(file: String, key: String, count: Int, expected: Int, location: SourceLocation)
    /// More elements than the reader accepts (features, trees, nodes, knots).
    case tooMany(file: String, key: String, count: Int, limit: Int, location: SourceLocation)
    /// Node `node` of tree `tree` names child `child`, which is not a later node of that tree.
    case nodeOutOfRange(file: String, tree: Int, node: Int, child: Int, nodes: Int, location: SourceLocation)
    /// Tree `tree` is deeper than the reader accepts.
    case treeTooDeep(file: String, tree: Int, limit: Int, location: SourceLocation)
    /// Element `index` of `key` is not larger than the one before (isotonic knots, names).
    case notIncreasing(file: String, key: String, index: Int, location: SourceLocation)
    /// The same feature name appears twice.
    case duplicateFeature(file: String, name: String, location: SourceLocation)

    /// The file and location of a model-file problem; nil for fitting errors.
    public var place: (file: String, location: SourceLocation?)? {
        switch self {
        case .emptyData, .shapeMismatch, .notFiniteInput, .invalidParameter, .oneClass, .tooFewGroups:
            return nil
        case let .syntax(f, e): return (f, e.location)
        case let .fileTooLarge(f, _, _): return (f, nil)
        case let .unsupportedVersion(f, _, _, l), let .missingKey(f, _, _, l), let .unknownKey(f, _, l),
             let .wrongType(f, _, _, l), let .unknownKind(f, _, _, l), let .notFinite(f, _, _, l),
             let .outOfRange(f, _, _, _, l), let .lengthMismatch(f, _, _, _, l), let .tooMany(f, _, _, _, l),
             let .nodeOutOfRange(f, _, _, _, _, l), let .treeTooDeep(f, _, _, l), let .notIncreasing(f, _, _, l),
             let .duplicateFeature(f, _, l):
            return (f, l)
        }
    }

    /// The problem in words, without file or location.
    public var message: String {
        switch self {
        case .emptyData: return "no data to fit"
        case let .shapeMismatch(what, count, expected): return "\(what): \(count) values where \(expected) were expected"
        case let .notFiniteInput(what, row, column):
            return "\(what) is not a finite number at row \(row)" + (column >= 0 ? ", column \(column)" : "")
        case let .invalidParameter(name, value, requirement): return "parameter \(name) = \(value): must be \(requirement)"
        case let .oneClass(label): return "every weighted row is labelled \(label); both labels are needed to fit log-odds"
        case let .tooFewGroups(groups, folds): return "\(groups) distinct groups cannot fill \(folds) folds"
        case let .syntax(_, e): return e.message
        case let .fileTooLarge(_, bytes, limit): return "model file is \(bytes) bytes; the limit is \(limit)"
        case let .unsupportedVersion(_, found, supported, _):
            return "model file version \(found) is not supported; this build reads version \(supported)"
        case let .missingKey(_, key, table, _):
            return "missing key '\(key)'" + (table.isEmpty ? " at the top level" : " in [\(table)]")
        case let .unknownKey(_, key, _): return "unknown key '\(key)'"
        case let .wrongType(_, key, expected, _): return "'\(key)' must be \(expected)"
        case let .unknownKind(_, kind, allowed, _):
            return "unknown kind '\(kind)'; expected one of " + allowed.map { "'\($0)'" }.joined(separator: ", ")
        case let .notFinite(_, key, index, _):
            return (index >= 0 ? "\(key)[\(index)]" : key) + " is not a finite number"
        case let .outOfRange(_, key, value, requirement, _): return "\(key) = \(value): must be \(requirement)"
        case let .lengthMismatch(_, key, count, expected, _): return "'\(key)' has \(count) elements; expected \(expected)"
        case let .tooMany(_, key, count, limit, _): return "'\(key)' has \(count) elements; the limit is \(limit)"
        case let .nodeOutOfRange(_, tree, node, child, nodes, _):
            return "tree \(tree), node \(node): child \(child) is not a later node of this tree (it has \(nodes) nodes)"
        case let .treeTooDeep(_, tree, limit, _): return "tree \(tree) is deeper than \(limit) levels"
        case let .notIncreasing(_, key, index, _): return "\(key)[\(index)] is not larger than \(key)[\(index - 1)]"
        case let .duplicateFeature(_, name, _): return "feature '\(name)' is listed twice"
        }
    }

    /// `file:line:col: message` for file problems (`file: message` without a location), else the message.
    public var description: String {
        guard let place else { return message }
        guard let l = place.location else { return "\(place.file): \(message)" }
        return "\(place.file):\(l.line):\(l.column): \(message)"
    }
}
