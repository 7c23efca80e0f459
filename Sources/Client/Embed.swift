// `nerve embed`: sentence embeddings of texts from the daemon's embedding model (the `embed`
// method; with `--model DIR` the Tools module embeds in process instead). Prints a JSON array of
// vectors, or writes raw float32 rows for benchmarks (`--f32 FILE`) for many texts (`--input FILE`).
import JSON
import Posix
import Wire

extension Commands {
    /// Texts from the positionals, or one per line of `--input FILE` (a final empty line ignored).
    public static func embedTexts(_ inv: Invocation) throws -> [String] {
        guard let path = inv.options["input"] else {
            guard !inv.positionals.isEmpty else {
                throw ClientError.usage(message: "embed needs TEXT... (after --) or --input FILE", command: "embed")
            }
            return inv.positionals
        }
        guard inv.positionals.isEmpty else {
            throw ClientError.usage(message: "embed takes either TEXT... or --input FILE, not both", command: "embed")
        }
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, limit: 1 << 30) } catch { throw ClientError.file(path: path, reason: "\(error)") }
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func embed(_ inv: Invocation) throws -> Int32 {
        let texts = try embedTexts(inv)
        let client = try connect(inv)
        defer { client.close() }
        let result = try client.call("embed", JSONObject([("texts", .array(texts.map { .string($0) }))]))
        let vectors = (result["embeddings"]?.arrayValue ?? []).map { ($0.arrayValue ?? []).map { Float($0.doubleValue ?? .nan) } }
        guard vectors.count == texts.count else {
            throw ClientError.wire(.malformedFrame(reason: "embed returned \(vectors.count) vectors for \(texts.count) texts"))
        }
        return try printVectors(vectors, inv)
    }

    /// Prints `vectors` as `nerve embed` does (JSON, lines of floats, or raw float32 to --f32 FILE).
    public static func printVectors(_ vectors: [[Float]], _ inv: Invocation) throws -> Int32 {
        let texts = vectors
        if let out = inv.options["f32"] {
            // Row-major [texts, dimension] little-endian float32: what numpy.fromfile reads.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(texts.count * (vectors.first?.count ?? 0) * 4)
            for v in vectors { for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } } }
            do { try FileSystem.writeAtomically(out, bytes) } catch { throw ClientError.file(path: out, reason: "\(error)") }
            Console.error("wrote \(vectors.count) × \(vectors.first?.count ?? 0) float32 to \(out)\n")
            return 0
        }
        Console.output(inv.json ? renderVectors(vectors) + "\n"
                              : vectors.map { $0.map { "\($0)" }.joined(separator: " ") + "\n" }.joined())
        return 0
    }

    /// A JSON array of arrays; each float printed in its shortest round-trip form.
    static func renderVectors(_ vectors: [[Float]]) -> String {
        "[" + vectors.map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }.joined(separator: ",\n ") + "]"
    }
}
