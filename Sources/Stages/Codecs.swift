// JSON forms of the ask-side port values, so a stage can run in another process (`socket = ...`)
// and the `stage.run` wire method can carry its inputs and outputs.
import Corpus
import Index
import JSON
import Pipeline

struct CodecError: Error, CustomStringConvertible {
    let description: String
}

enum Codecs {
    static func register(into r: Registry<StageResources>) {
        r.register(Ports.text, codec: PortCodec(Ports.text, encode: { .string($0) }, decode: { j in
            guard let s = j.stringValue else { throw CodecError(description: "text must be a string, found \(j.typeName)") }
            return s
        }))
        r.register(Ports.hits, codec: PortCodec(Ports.hits, encode: { .array($0.map(encodeHit)) }, decode: { j in
            guard let a = j.arrayValue else { throw CodecError(description: "hits must be an array, found \(j.typeName)") }
            return try a.map(decodeHit)
        }))
        r.register(Ports.vector, codec: PortCodec(Ports.vector, encode: { q in
            .object(JSONObject([("model", .string(q.model)), ("values", .array(q.values.map { .double(Double($0)) }))]))
        }, decode: { j in
            guard let m = j["model"]?.stringValue, let a = j["values"]?.arrayValue else {
                throw CodecError(description: "a vector needs 'model' and 'values'")
            }
            let values = a.compactMap(\.doubleValue).map(Float.init)
            guard values.count == a.count, values.allSatisfy(\.isFinite) else { throw CodecError(description: "vector values must be finite numbers") }
            return QueryVector(model: m, values: values)
        }))
        r.register(Ports.answer, codec: PortCodec(Ports.answer, encode: encodeAnswer, decode: decodeAnswer))
        r.register(context: ContextCodec(RequestKeys.question, encode: { .string($0) }, decode: { j in
            guard let s = j.stringValue else { throw CodecError(description: "question must be a string") }
            return s
        }))
        r.register(context: ContextCodec(RequestKeys.viewer, encode: { v in
            .object(["uid": .int(Int64(v.uid)), "gids": .array(v.gids.map { .int(Int64($0)) })])
        }, decode: { j in
            guard let uid = j["uid"]?.intValue, let uid32 = UInt32(exactly: uid) else { throw CodecError(description: "viewer needs a uid") }
            let gids = try (j["gids"]?.arrayValue ?? []).map { g -> UInt32 in
                guard let n = g.intValue, let v = UInt32(exactly: n) else { throw CodecError(description: "viewer gids must be user ids") }
                return v
            }
            return Viewer(uid: uid32, gids: gids)
        }))
    }

    static func span(_ s: SourceSpan) -> [(String, JSON)] {
        var out: [(String, JSON)] = []
        if let v = s.lineStart { out.append(("line_start", .int(Int64(v)))) }
        if let v = s.lineEnd { out.append(("line_end", .int(Int64(v)))) }
        if let v = s.page { out.append(("page", .int(Int64(v)))) }
        if let v = s.locator { out.append(("locator", .string(v))) }
        return out
    }

    static func decodeSpan(_ o: JSONObject) -> SourceSpan {
        SourceSpan(lineStart: o["line_start"]?.intValue, lineEnd: o["line_end"]?.intValue, page: o["page"]?.intValue,
                   locator: o["locator"]?.stringValue)
    }

    static func encodeHit(_ h: Hit) -> JSON {
        var o = JSONObject([("chunk_id", .int(h.chunkID)), ("content_id", .int(h.contentID)), ("ordinal", .int(Int64(h.ordinal))),
                            ("text", .string(h.text)), ("heading", .string(h.headingPath)), ("hash", .string(h.hash)),
                            ("score", .double(h.score))] + span(h.span))
        if !h.signals.isEmpty { o["signals"] = .object(JSONObject(h.signals.sorted { $0.key < $1.key }.map { ($0.key, .double($0.value)) })) }
        o["documents"] = .array(h.documents.map {
            var d = JSONObject([("path", .string($0.path)), ("uid", .int(Int64($0.uid))), ("gid", .int(Int64($0.gid))),
                                ("mode", .int(Int64($0.mode)))])
            if let t = $0.title { d["title"] = .string(t) }
            return .object(d)
        })
        return .object(o)
    }

    static func decodeHit(_ j: JSON) throws -> Hit {
        guard let o = j.objectValue, let text = o["text"]?.stringValue else { throw CodecError(description: "a hit needs 'text'") }
        let docs = (o["documents"]?.arrayValue ?? []).compactMap { d -> DocumentRef? in
            guard let p = d["path"]?.stringValue else { return nil }
            return DocumentRef(path: p, title: d["title"]?.stringValue, uid: UInt32(d["uid"]?.intValue ?? 0),
                               gid: UInt32(d["gid"]?.intValue ?? 0), mode: UInt32(d["mode"]?.intValue ?? 0o644))
        }
        var hit = Hit(chunkID: Int64(o["chunk_id"]?.intValue ?? 0), contentID: Int64(o["content_id"]?.intValue ?? 0),
                      ordinal: o["ordinal"]?.intValue ?? 0, text: text, headingPath: o["heading"]?.stringValue ?? "",
                      span: decodeSpan(o), hash: o["hash"]?.stringValue ?? "", score: o["score"]?.doubleValue ?? 0, documents: docs)
        for (k, v) in o["signals"]?.objectValue ?? JSONObject() { if let x = v.doubleValue, x.isFinite { hit.signals[k] = x } }
        return hit
    }

    static func encodeAnswer(_ a: Answer) -> JSON {
        var o = JSONObject([("text", .string(a.text)), ("confidence", .double(a.confidence)),
                            ("citations", .array(a.citations.map { $0.json() }))])
        o["passages"] = .array(a.passages.map { p in
            .object(JSONObject([("text", .string(p.text)), ("score", .double(p.score)), ("citation", p.citation.json())]))
        })
        o["tokens_in"] = .int(Int64(a.tokensIn))
        o["tokens_out"] = .int(Int64(a.tokensOut))
        o["cost"] = .double(a.cost)
        if let m = a.model { o["model"] = .string(m) }
        if a.prefillMs > 0 || a.decodeMs > 0 {
            o["prefill_ms"] = .double(a.prefillMs)
            o["decode_ms"] = .double(a.decodeMs)
        }
        // The evidence behind the confidence travels too: `nerve calibrate` fits on it, whether
        // the stage ran in the daemon or in a worker.
        o["features"] = .array(a.features.map { .array([.string($0.name), .double($0.value)]) })
        return .object(o)
    }

    static func decodeCitation(_ j: JSON) -> Citation? {
        guard let o = j.objectValue, let path = o["path"]?.stringValue else { return nil }
        return Citation(path: path, title: o["title"]?.stringValue, span: decodeSpan(o), chunkHash: o["chunk"]?.stringValue ?? "",
                        headingPath: o["heading"]?.stringValue ?? "")
    }

    static func decodeAnswer(_ j: JSON) throws -> Answer {
        guard let o = j.objectValue, let text = o["text"]?.stringValue, let c = o["confidence"]?.doubleValue else {
            throw CodecError(description: "an answer needs 'text' and 'confidence'")
        }
        guard (0...1).contains(c) else { throw CodecError(description: "confidence \(c) is outside 0...1") }
        var a = Answer(text: text, confidence: c, citations: (o["citations"]?.arrayValue ?? []).compactMap(decodeCitation),
                       passages: (o["passages"]?.arrayValue ?? []).compactMap { p in
                           guard let t = p["text"]?.stringValue, let cit = p["citation"].flatMap(decodeCitation) else { return nil }
                           return Passage(text: t, score: p["score"]?.doubleValue ?? 0, citation: cit)
                       })
        a.tokensIn = o["tokens_in"]?.intValue ?? 0
        a.tokensOut = o["tokens_out"]?.intValue ?? 0
        a.cost = o["cost"]?.doubleValue ?? 0
        a.model = o["model"]?.stringValue
        a.prefillMs = max(0, o["prefill_ms"]?.doubleValue ?? 0)
        a.decodeMs = max(0, o["decode_ms"]?.doubleValue ?? 0)
        a.features = try (o["features"]?.arrayValue ?? []).map { f in
            guard let name = f[0]?.stringValue, let x = f[1]?.doubleValue, x.isFinite else {
                throw CodecError(description: "features must be [name, finite number] pairs")
            }
            return (name, x)
        }
        return a
    }
}
