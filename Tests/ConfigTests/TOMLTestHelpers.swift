// Small accessors that keep the TOML tests readable; tests only, so the public API stays small.
import Config

extension TOMLNode {
    var table: TOMLTable? { if case .table(let t) = value { t } else { nil } }
    var array: [TOMLNode]? { if case .array(let a) = value { a } else { nil } }
    var string: String? { if case .string(let s) = value { s } else { nil } }
    var integer: Int64? { if case .integer(let n) = value { n } else { nil } }
    var float: Double? { if case .float(let x) = value { x } else { nil } }
}

func loc(_ line: Int, _ column: Int) -> SourceLocation { SourceLocation(line: line, column: column) }

/// The error `text` is rejected with, or nil if it parses.
func parseError(_ text: String) -> ConfigError? {
    do {
        _ = try TOML.parse(text)
        return nil
    } catch {
        return error
    }
}
