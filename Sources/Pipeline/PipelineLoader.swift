// Phase one of the pipeline check: TOML to stage declarations, every parameter checked against
// its kind's table (name, type, bounds, default). Problems are collected as diagnostics; phase
// two (Linker.swift) only runs when this phase found no errors.
import Config
import Learn
import Posix

/// A stage as declared in the file, parameters checked, inputs not yet resolved.
struct StageDecl {
    let id: String
    let kind: StageKindInfo
    let parameters: [String: ParameterValue]
    let accept: Double?
    let socket: String?
    let calibration: LearnedModel?
    let selector: LearnedModel?
    let refs: [(ref: String, location: SourceLocation)]
    let location: SourceLocation
}

public enum PipelineLoader {
    /// The newest pipeline file version this build reads.
    public static let supportedVersion = 1

    /// Reads, parses and links the pipeline at `path` for `role` ("ask" or "ingest"). Touches
    /// nothing but the file (and the calibration file it names).
    /// - Throws: `PipelineError.unreadable` or `.invalid` with every diagnostic.
    public static func plan(path: String, role: String, catalog: Catalog) throws -> PipelinePlan {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, limit: 4 << 20) } catch {
            throw PipelineError.unreadable(path: path, reason: "\(error)")
        }
        // Absolute, so paths in parameters mean the same in a worker started elsewhere.
        let folder = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) : "."
        let base = FileSystem.absolute(folder.isEmpty ? "/" : folder)
        return try plan(bytes: bytes, path: path, role: role, catalog: catalog, baseDirectory: base)
    }

    /// Parses and links pipeline text.
    public static func plan(bytes: [UInt8], path: String, role: String, catalog: Catalog, baseDirectory: String = ".") throws -> PipelinePlan {
        var d = Diagnostics(file: path)
        let root: TOMLTable
        do { root = try TOML.parse(bytes: bytes) } catch {
            d.error(error.location, error.message)
            throw PipelineError.invalid(diagnostics: d.list)
        }
        let decls = parse(root, role: role, catalog: catalog, base: baseDirectory, &d)
        if d.hasErrors { throw PipelineError.invalid(diagnostics: d.sorted) }
        let linked = Linker.link(decls, role: role, path: path, catalog: catalog, base: baseDirectory, &d)
        if d.hasErrors { throw PipelineError.invalid(diagnostics: d.sorted) }
        guard let linked else { throw PipelineError.invalid(diagnostics: d.sorted) }
        return linked
    }

    static let topLevelKeys = ["version", "description", "calibration", "target_precision", "stage"]
    static let stageKeys = ["id", "kind", "in", "accept", "socket", "description"]

    static func parse(_ root: TOMLTable, role: String, catalog: Catalog, base: String, _ d: inout Diagnostics) -> [StageDecl] {
        for e in root.entries where !topLevelKeys.contains(e.key) {
            d.error(e.keyLocation, "unknown top-level key '\(e.key)'", notes: Suggest.didYouMean(e.key, among: topLevelKeys).map { [$0] } ?? [])
        }
        if let v = root["version"] {
            if case let .integer(n) = v.value {
                if n > supportedVersion {
                    d.error(v.location, "file is version \(n); this build supports up to \(supportedVersion)")
                } else if n < 1 {
                    d.error(v.location, "version must be 1 or more, found \(n)")
                }
            } else {
                d.error(v.location, "'version' must be an integer, found \(v.value.typeName)")
            }
        }
        var calibrationFolder: String?
        if let c = root["calibration"] {
            if case let .string(p) = c.value, !p.isEmpty {
                calibrationFolder = p.hasPrefix("/") ? p : base + "/" + p
                if let folder = calibrationFolder, !FileSystem.isDirectory(folder) {
                    d.error(c.location, "calibration folder \(folder) does not exist", notes: ["`nerve calibrate` writes one model file per answering stage there"])
                }
            } else {
                d.error(c.location, "'calibration' must be the path of a folder of learned models (written by `nerve calibrate`)")
            }
        }
        var target: Double?
        if let t = root["target_precision"] {
            switch t.value {
            case let .float(x) where (0.5...1).contains(x): target = x
            case let .integer(1): target = 1
            case let .float(x): d.error(t.location, "'target_precision' must be from 0.5 to 1, found \(x)")
            case let .integer(n): d.error(t.location, "'target_precision' must be from 0.5 to 1, found \(n)")
            default: d.error(t.location, "'target_precision' must be a number from 0.5 to 1, found \(t.value.typeName)")
            }
        }
        guard let stagesNode = root["stage"] else {
            d.error(SourceLocation(line: 1, column: 1), "no stages: add at least one [[stage]] table")
            return []
        }
        guard case let .array(items) = stagesNode.value else {
            d.error(stagesNode.location, "'stage' must be an array of tables ([[stage]]), found \(stagesNode.value.typeName)")
            return []
        }
        var calibrations: [String: LearnedModel] = [:]
        if let folder = calibrationFolder, FileSystem.isDirectory(folder) {
            let ids = items.compactMap { item -> String? in
                guard case let .table(t) = item.value, case let .string(id)? = t["id"]?.value else { return nil }
                return id
            }
            calibrations = Calibrations.load(folder: folder, ids: ids, &d)
        }
        var decls: [StageDecl] = []
        var seen: [String: SourceLocation] = [:]
        for item in items {
            guard case let .table(t) = item.value else {
                d.error(item.location, "each stage must be a table, found \(item.value.typeName)")
                continue
            }
            if let decl = parseStage(t, at: item.location, role: role, catalog: catalog, base: base, calibrations: calibrations,
                                     target: target, &d) {
                if let prev = seen[decl.id] {
                    d.error(t.keyLocation("id") ?? item.location, "duplicate stage id '\(decl.id)'",
                            notes: ["first defined at line \(prev.line)"])
                } else {
                    seen[decl.id] = decl.location
                    decls.append(decl)
                }
            }
        }
        return decls
    }

    static func parseStage(_ t: TOMLTable, at location: SourceLocation, role: String, catalog: Catalog, base: String,
                           calibrations: [String: LearnedModel], target: Double?, _ d: inout Diagnostics) -> StageDecl? {
        guard let idNode = t["id"] else {
            d.error(location, "stage has no 'id'")
            return nil
        }
        guard case let .string(id) = idNode.value else {
            d.error(idNode.location, "'id' must be a string, found \(idNode.value.typeName)")
            return nil
        }
        if !isValidID(id) {
            d.error(idNode.location, "stage id '\(id)' must start with a letter and use only letters, digits, '_' and '-'")
        }
        guard let kindNode = t["kind"] else {
            d.error(location, "stage '\(id)' has no 'kind'", notes: ["kinds for \(role) pipelines: " + catalog.kindNames(for: role).joined(separator: ", ")])
            return nil
        }
        guard case let .string(kindName) = kindNode.value else {
            d.error(kindNode.location, "'kind' must be a string, found \(kindNode.value.typeName)")
            return nil
        }
        guard let kind = catalog.kind(kindName) else {
            var notes = Suggest.didYouMean(kindName, among: catalog.kindNames(for: role)).map { [$0] } ?? []
            notes.append("kinds for \(role) pipelines: " + catalog.kindNames(for: role).joined(separator: ", "))
            d.error(kindNode.location, "unknown stage kind '\(kindName)'", notes: notes)
            return nil
        }
        if !kind.pipelines.contains(role) {
            d.error(kindNode.location, "kind '\(kindName)' cannot be used in an \(role) pipeline",
                    notes: ["it belongs in: " + kind.pipelines.sorted().joined(separator: ", ")])
        }
        var refs: [(String, SourceLocation)] = []
        if let inNode = t["in"] {
            if case let .array(items) = inNode.value {
                for it in items {
                    if case let .string(s) = it.value { refs.append((s, it.location)) } else {
                        d.error(it.location, "each entry of 'in' must be a string \"stage.output\", found \(it.value.typeName)")
                    }
                }
            } else {
                d.error(inNode.location, "'in' must be an array of \"stage.output\" strings, found \(inNode.value.typeName)")
            }
        }
        var accept: Double?
        if let a = t["accept"] {
            if kind.role != .answering {
                d.error(t.keyLocation("accept") ?? a.location, "'accept' applies only to answering stages; '\(kindName)' does not answer")
            }
            switch a.value {
            case let .float(x) where (0...1).contains(x): accept = x
            case let .integer(n) where n == 0 || n == 1: accept = Double(n)
            case .float, .integer: d.error(a.location, "'accept' must be between 0 and 1")
            default: d.error(a.location, "'accept' must be a number between 0 and 1, found \(a.value.typeName)")
            }
        } else if kind.role == .answering {
            if let model = calibrations[id], let target {
                if let a = Calibrations.accept(model, target: target) {
                    accept = a
                } else {
                    let have = model.thresholds.map { "\($0.targetPrecision)" }.joined(separator: ", ")
                    d.error(location, "the learned model of stage '\(id)' has no threshold for target_precision \(target)",
                            notes: [have.isEmpty ? "it has no thresholds" : "it has thresholds for: \(have)",
                                    "re-run `nerve calibrate` with that target, or give the stage an explicit accept"])
                }
            } else {
                d.error(location, "answering stage '\(id)' needs an 'accept' threshold",
                        notes: ["e.g. accept = 0.5, or target_precision = 0.95 at the top with a calibration folder holding \(id).toml"])
            }
        }
        var socket: String?
        if let s = t["socket"] {
            if case let .string(p) = s.value, !p.isEmpty { socket = p.hasPrefix("/") ? p : base + "/" + p } else {
                d.error(s.location, "'socket' must be a non-empty path string")
            }
        }
        let given = t.entries.filter { !stageKeys.contains($0.key) }.map { (key: $0.key, keyLocation: Optional($0.keyLocation), raw: RawParameter($0.node)) }
        let params = ParameterTable.check(given, kind: kind, stageLocation: location, &d)
        return StageDecl(id: id, kind: kind, parameters: params, accept: accept, socket: socket, calibration: calibrations[id],
                         selector: calibrations[id + ".selector"],
                         refs: refs, location: location)
    }

    static func isValidID(_ id: String) -> Bool {
        guard let f = id.unicodeScalars.first, f.properties.isAlphabetic, f.isASCII else { return false }
        return id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }

}

/// One stage's parameters checked against its kind's table: unknown names (with a suggestion),
/// type and bounds of each value, defaults for the rest, required ones present. The pipeline
/// loader and a worker decoding a plan both go through here, so a bad value gets the same
/// diagnostic in either place.
enum ParameterTable {
    static func check(_ given: [(key: String, keyLocation: SourceLocation?, raw: RawParameter)], kind: StageKindInfo,
                      stageLocation: SourceLocation?, _ d: inout Diagnostics) -> [String: ParameterValue] {
        var out: [String: ParameterValue] = [:]
        let names = kind.parameters.map(\.name)
        for (key, keyLocation, raw) in given {
            guard let spec = kind.parameters.first(where: { $0.name == key }) else {
                var notes = Suggest.didYouMean(key, among: names + PipelineLoader.stageKeys).map { [$0] } ?? []
                notes.append(names.isEmpty ? "'\(kind.name)' takes no parameters"
                             : "parameters of '\(kind.name)': " + names.joined(separator: ", "))
                d.error(keyLocation, "unknown parameter '\(key)' for kind '\(kind.name)'", notes: notes)
                continue
            }
            if let v = ParameterCheck.value(raw, spec, file: d.file, &d.list) { out[spec.name] = v }
        }
        for spec in kind.parameters where out[spec.name] == nil {
            if let def = spec.defaultValue {
                out[spec.name] = def
            } else if !given.contains(where: { $0.key == spec.name }) {
                d.error(stageLocation, "stage of kind '\(kind.name)' needs parameter '\(spec.name)' (\(spec.type.name)): \(spec.summary)")
            }
        }
        return out
    }
}

/// Collected diagnostics for one file.
struct Diagnostics {
    let file: String
    var list: [Diagnostic] = []

    init(file: String) { self.file = file }

    mutating func error(_ at: SourceLocation?, _ message: String, notes: [String] = []) {
        list.append(Diagnostic(.error, file: file, at: at, message, notes: notes))
    }

    mutating func warning(_ at: SourceLocation?, _ message: String, notes: [String] = []) {
        list.append(Diagnostic(.warning, file: file, at: at, message, notes: notes))
    }

    var hasErrors: Bool { list.contains { $0.severity == .error } }

    var sorted: [Diagnostic] {
        list.enumerated().sorted { a, b in
            let la = a.element.location ?? SourceLocation(line: 0, column: 0)
            let lb = b.element.location ?? SourceLocation(line: 0, column: 0)
            return la == lb ? a.offset < b.offset : la < lb
        }.map(\.element)
    }
}
