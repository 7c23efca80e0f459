// The standard security handler (ISO 32000-1 §7.6.3) for the one case every viewer opens without
// asking: an EMPTY user password, with RC4 (V 1/2, R 2/3) or RC4/AES-128 crypt filters (V 4, R 4).
// Anything else is refused with CorpusError.pdfEncrypted.

struct PDFSecurity {
    enum Method { case identity, rc4, aes }

    let key: [UInt8]
    let streamMethod: Method
    let stringMethod: Method
    let encryptMetadata: Bool
    /// Crypt filters by name (V 4), for streams that name their own in a /Crypt filter.
    let filters: [String: Method]

    /// §7.6.3.3 Algorithm 2's padding string, used in place of an empty password.
    static let padding: [UInt8] = [0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
                                   0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A]

    /// Derives the file key from the empty user password and checks it against /U.
    /// - Throws: `CorpusError.pdfEncrypted` with `.unsupportedHandler`, `.unsupportedRevision`,
    ///   `.unsupportedCryptFilter`, `.invalidDictionary` or `.passwordRequired`.
    init(_ d: PDFDict, id: [UInt8], encryptRef: PDFRef?) throws {
        let filter = d.name("Filter") ?? ""
        guard filter == "Standard" else { throw CorpusError.pdfEncrypted(reason: .unsupportedHandler(filter: filter)) }
        let v = d["V"]?.int ?? 0
        let r = d["R"]?.int ?? 0
        guard [1, 2, 4].contains(v), (2...4).contains(r) else {
            throw CorpusError.pdfEncrypted(reason: .unsupportedRevision(v: v, r: r))
        }
        guard let o = d["O"]?.bytes, let u = d["U"]?.bytes, o.count >= 32, u.count >= 16, let p = d["P"]?.int else {
            throw CorpusError.pdfEncrypted(reason: .invalidDictionary)
        }
        encryptMetadata = { if case .bool(false)? = d["EncryptMetadata"] { return false }; return true }()
        var n = r == 2 ? 5 : max(5, min(16, (d["Length"]?.int ?? 40) / 8))
        var filters: [String: Method] = ["Identity": .identity]
        if v == 4 {
            n = 16
            for (name, value) in d["CF"]?.dict?.entries ?? [:] {
                let method = value.dict?.name("CFM") ?? "None"
                switch method {
                case "V2": filters[name] = .rc4
                case "AESV2": filters[name] = .aes
                case "None": filters[name] = .identity
                default: throw CorpusError.pdfEncrypted(reason: .unsupportedCryptFilter(method: method))
                }
            }
            func method(_ key: String) throws -> Method {
                let name = d.name(key) ?? "Identity"
                guard let m = filters[name] else { throw CorpusError.pdfEncrypted(reason: .unsupportedCryptFilter(method: name)) }
                return m
            }
            streamMethod = try method("StmF")
            stringMethod = try method("StrF")
        } else {
            streamMethod = .rc4
            stringMethod = .rc4
        }
        self.filters = filters

        // Algorithm 2: MD5 over padded password, /O, /P (low-order byte first), the first /ID.
        var input = PDFSecurity.padding + o[0..<32]
        let p32 = UInt32(truncatingIfNeeded: p)
        input += [UInt8(p32 & 0xFF), UInt8(p32 >> 8 & 0xFF), UInt8(p32 >> 16 & 0xFF), UInt8(p32 >> 24)]
        input += id
        if r >= 4 && !encryptMetadata { input += [0xFF, 0xFF, 0xFF, 0xFF] }
        var h = PDFCrypto.md5(input)
        if r >= 3 { for _ in 0..<50 { h = PDFCrypto.md5(Array(h[0..<n])) } }
        key = Array(h[0..<n])

        // Algorithms 4 and 5: the key is right if it reproduces /U.
        let ok: Bool
        if r == 2 {
            ok = u.count >= 32 && PDFCrypto.rc4(key: key, PDFSecurity.padding) == Array(u[0..<32])
        } else {
            var x = PDFCrypto.rc4(key: key, PDFCrypto.md5(PDFSecurity.padding + id))
            for i in 1...19 { x = PDFCrypto.rc4(key: key.map { $0 ^ UInt8(i) }, x) }
            ok = x == Array(u[0..<16])
        }
        guard ok else { throw CorpusError.pdfEncrypted(reason: .passwordRequired) }
    }

    /// Algorithm 1: the per-object key, MD5 of the file key, object number and generation (and
    /// "sAlT" for AES), cut to n + 5 bytes (at most 16).
    func objectKey(_ ref: PDFRef, aes: Bool) -> [UInt8] {
        var k = key
        k += [UInt8(ref.num & 0xFF), UInt8(ref.num >> 8 & 0xFF), UInt8(ref.num >> 16 & 0xFF)]
        k += [UInt8(ref.gen & 0xFF), UInt8(ref.gen >> 8 & 0xFF)]
        if aes { k += [0x73, 0x41, 0x6C, 0x54] }
        return Array(PDFCrypto.md5(k)[0..<min(key.count + 5, 16)])
    }

    func decrypt(_ data: [UInt8], ref: PDFRef, method: Method) -> [UInt8] {
        switch method {
        case .identity: return data
        case .rc4: return PDFCrypto.rc4(key: objectKey(ref, aes: false), data)
        case .aes: return PDFCrypto.aes128CBCDecrypt(key: objectKey(ref, aes: true), data)
        }
    }

    /// A stream's data; a /Crypt filter in the stream's own chain may pick another method (§7.4.10).
    func decryptStream(_ data: [UInt8], ref: PDFRef, dict: PDFDict) -> [UInt8] {
        var method = streamMethod
        let filters = dict["Filter"]?.array?.compactMap(\.name) ?? [dict.name("Filter")].compactMap { $0 }
        if filters.first == "Crypt" {
            let parms = dict["DecodeParms"]?.array?.first?.dict ?? dict["DecodeParms"]?.dict
            method = self.filters[parms?.name("Name") ?? "Identity"] ?? .identity
        }
        return decrypt(data, ref: ref, method: method)
    }

    /// Decrypts every string inside a freshly parsed object (stream data is decrypted on decode).
    func decryptStrings(in object: PDFObject, ref: PDFRef, skip: Bool) -> PDFObject {
        if skip || stringMethod == .identity { return object }
        func walk(_ o: PDFObject) -> PDFObject {
            switch o {
            case let .string(s): return .string(decrypt(s, ref: ref, method: stringMethod))
            case let .array(a): return .array(a.map(walk))
            case let .dict(d): return .dict(walkDict(d))
            case var .stream(s):
                s.dict = walkDict(s.dict)
                return .stream(s)
            default: return o
            }
        }
        func walkDict(_ d: PDFDict) -> PDFDict {
            var out = PDFDict()
            for (k, v) in d.entries { out[k] = walk(v) }
            return out
        }
        return walk(object)
    }
}
