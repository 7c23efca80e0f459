// The labelled question files `nerve eval` and `nerve calibrate` read, in their three JSON Lines
// forms: the plain one ({"question", "answers", "unanswerable"}), SQuAD's (plus "id" and "path",
// the paragraph file's absolute path) and the corporate one (plus "files" relative to a data root,
// "near_miss", "type", "evidence", "split"). Every file a question names is resolved here to one
// absolute, symlink-free path, so judging compares plain strings.
import JSON
import Posix

/// One line of an evaluation file.
public struct EvalQuestion: Sendable {
    /// The line's "id", else "line N".
    public var id: String
    public var question: String
    /// Accepted answers; empty for an unanswerable question.
    public var answers: [String]
    public var unanswerable: Bool
    /// Absolute real paths of the files an answer must cite one of; empty: any citation will do.
    public var files: [String]
    /// An unanswerable question whose topic the documents do discuss (corporate set).
    public var nearMiss: Bool
    /// The corporate set's question type ("duration", "procedure", ...), "" when absent.
    public var type: String
    /// "train", "dev" or "" when the line has no split.
    public var split: String

    public init(id: String = "", question: String, answers: [String], unanswerable: Bool, files: [String] = [],
                nearMiss: Bool = false, type: String = "", split: String = "") {
        self.id = id
        self.question = question
        self.answers = answers
        self.unanswerable = unanswerable
        self.files = files
        self.nearMiss = nearMiss
        self.type = type
        self.split = split
    }

    /// Reads a JSON Lines question file. Relative `files` are taken under `dataRoot`.
    /// - Throws: `ClientError.file` when the file cannot be read, `ClientError.questionLine`
    ///   naming the first line that is not a well-formed question or names a missing file.
    public static func load(_ path: String, dataRoot: String? = nil) throws -> [EvalQuestion] {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, limit: 1 << 30) } catch { throw ClientError.file(path: path, reason: "\(error)") }
        var out: [EvalQuestion] = []
        var lineNumber = 0
        for line in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
            do {
                out.append(try parse(Array(line), line: lineNumber, dataRoot: dataRoot))
            } catch let reason as LineProblem {
                throw ClientError.questionLine(path: path, line: lineNumber, reason: reason.text)
            }
        }
        return out
    }

    struct LineProblem: Error { let text: String }

    static func parse(_ line: [UInt8], line n: Int, dataRoot: String?) throws -> EvalQuestion {
        let j: JSON
        do { j = try JSON.parse(line) } catch { throw LineProblem(text: "not JSON: \(error)") }
        guard case let .object(o) = j else { throw LineProblem(text: "expected a JSON object, found \(j.typeName)") }
        guard let q = o["question"]?.stringValue, !q.allSatisfy(\.isWhitespace) else {
            throw LineProblem(text: "\"question\" must be a non-empty string")
        }
        func strings(_ key: String) throws -> [String] {
            guard let v = o[key], !v.isNull else { return [] }
            guard let a = v.arrayValue, a.allSatisfy({ $0.stringValue != nil }) else {
                throw LineProblem(text: "\"\(key)\" must be an array of strings, found \(v.typeName)")
            }
            return a.compactMap(\.stringValue)
        }
        func flag(_ key: String) throws -> Bool? {
            guard let v = o[key], !v.isNull else { return nil }
            guard let b = v.boolValue else { throw LineProblem(text: "\"\(key)\" must be true or false, found \(v.typeName)") }
            return b
        }
        func text(_ key: String) throws -> String? {
            guard let v = o[key], !v.isNull else { return nil }
            guard let s = v.stringValue else { throw LineProblem(text: "\"\(key)\" must be a string, found \(v.typeName)") }
            return s
        }
        let answers = try strings("answers")
        let unanswerable = try flag("unanswerable") ?? answers.isEmpty
        if !unanswerable && !answers.contains(where: { !SQuADScoring.normalize($0).isEmpty }) {
            throw LineProblem(text: "an answerable question needs at least one accepted answer with a letter or digit in it")
        }
        var named = try strings("files")
        if let p = try text("path") { named.append(p) }
        var files: [String] = []
        for f in named {
            let absolute: String
            if f.hasPrefix("/") {
                absolute = f
            } else if let root = dataRoot {
                absolute = (root.hasSuffix("/") ? root : root + "/") + f
            } else {
                throw LineProblem(text: "file '\(f)' is relative and no data root is known; pass --data-root DIR")
            }
            guard let real = try? FileSystem.realPath(absolute) else {
                throw LineProblem(text: "file '\(f)' does not exist" + (f.hasPrefix("/") ? "" : " under data root \(dataRoot ?? "")"))
            }
            if !files.contains(real) { files.append(real) }
        }
        return EvalQuestion(id: try text("id") ?? "line \(n)", question: q, answers: answers, unanswerable: unanswerable, files: files,
                            nearMiss: try flag("near_miss") ?? false, type: try text("type") ?? "", split: try text("split") ?? "")
    }

    /// The default data root: `../shared/data` beside the repository `nerve` runs in — found by
    /// walking up from the working directory, then from the executable, to a folder holding
    /// Package.swift — when that folder exists; nil otherwise.
    public static func defaultDataRoot() -> String? {
        var starts = [FileSystem.currentDirectory()]
        if let exe = try? FileSystem.realPath("/proc/self/exe") { starts.append(exe) }
        for start in starts {
            var parts = start.split(separator: "/").map(String.init)
            while !parts.isEmpty {
                let dir = "/" + parts.joined(separator: "/")
                if FileSystem.exists(dir + "/Package.swift") {
                    let shared = dir + "/../shared/data"
                    if FileSystem.isDirectory(shared), let real = try? FileSystem.realPath(shared) { return real }
                    break
                }
                parts.removeLast()
            }
        }
        return nil
    }
}
