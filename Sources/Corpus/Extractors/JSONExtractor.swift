// JSON documents to text: nested keys become heading-like paths ("server > port: 8080"), arrays
// of objects become table rows, so records read on their own. Locators carry the JSON path.
import JSON

public enum JSONExtractor {
    /// - Throws: `CorpusError.malformed` when the bytes are not JSON.
    public static func extract(_ bytes: [UInt8]) throws -> Document {
        let value: JSON
        do { value = try JSON.parse(bytes, maxDepth: 256) } catch {
            throw CorpusError.malformed(format: "JSON", reason: "\(error)")
        }
        var blocks: [Block] = []
        walk(value, path: [], into: &blocks)
        var title: String?
        if case let .object(o) = value { title = o["title"]?.stringValue ?? o["name"]?.stringValue }
        return Document(title: title, blocks: blocks)
    }

    static func scalar(_ v: JSON) -> String? {
        switch v {
        case let .string(s): return s
        case let .int(n): return String(n)
        case let .double(d): return String(d)
        case let .bool(b): return b ? "true" : "false"
        case .null: return nil
        default: return nil
        }
    }

    static func locator(_ path: [String]) -> String { path.isEmpty ? "$" : "$." + path.joined(separator: ".") }

    static func walk(_ v: JSON, path: [String], into blocks: inout [Block]) {
        switch v {
        case let .object(o):
            var leaves: [String] = []
            for (k, child) in o {
                if let s = scalar(child) {
                    leaves.append("\(k): \(s)")
                } else if case let .array(a) = child, a.allSatisfy({ scalar($0) != nil || $0 == .null }) {
                    leaves.append("\(k): " + a.compactMap(scalar).joined(separator: ", "))
                }
            }
            if !leaves.isEmpty {
                let prefix = path.isEmpty ? "" : path.joined(separator: " > ") + ": "
                blocks.append(Block(.paragraph, prefix + leaves.joined(separator: "; "), span: SourceSpan(locator: locator(path))))
            }
            for (k, child) in o {
                switch child {
                case .object: walk(child, path: path + [k], into: &blocks)
                case let .array(a) where !a.allSatisfy({ scalar($0) != nil || $0 == .null }): walk(.array(a), path: path + [k], into: &blocks)
                default: continue
                }
            }
        case let .array(a):
            for (i, e) in a.enumerated() {
                if case let .object(o) = e, o.allSatisfy({ scalar($0.value) != nil || $0.value == .null }) {
                    let row = o.compactMap { k, v in scalar(v).map { "\(k): \($0)" } }.joined(separator: "; ")
                    if !row.isEmpty {
                        blocks.append(Block(.table(caption: nil, rows: [row]), row, span: SourceSpan(locator: locator(path + ["\(i)"]))))
                    }
                } else if let s = scalar(e) {
                    blocks.append(Block(.listItem, s, span: SourceSpan(locator: locator(path + ["\(i)"]))))
                } else {
                    walk(e, path: path + ["\(i)"], into: &blocks)
                }
            }
        default:
            if let s = scalar(v) { blocks.append(Block(.paragraph, s, span: SourceSpan(locator: locator(path)))) }
        }
    }
}
