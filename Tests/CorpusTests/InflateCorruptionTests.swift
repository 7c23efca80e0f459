// Each named way a deflate, zlib or gzip stream can be broken must raise its own CorpusError
// case (matched by case, never by prose), and never crash.
import Corpus
import Testing

enum StreamCorruption: String, CaseIterable, Sendable {
    case truncatedStream, emptyStream, blockType3, storedLengthComplement, storedTruncated
    case oversubscribedCodeLengthCode, incompleteCodeLengthCode, oversubscribedLiteralCode
    case incompleteLiteralCode, missingEndOfBlock, repeatWithoutPrevious, codeLengthsOverflow
    case tooManyLiteralCodes, tooManyDistanceCodes, literalSymbol286, distanceSymbol30
    case distanceTooFarBack, distanceBeforeAnyOutput
    case zlibBadCheckBits, zlibBadMethod, zlibWindowTooLarge, zlibPresetDictionary, zlibWrongAdler
    case zlibMissingAdler, gzipBadMagic, gzipReservedFlags, gzipWrongCRC, gzipWrongSize
    case gzipTruncatedHeader, bombPastLimit

    enum Format { case raw, zlib, gzip }

    /// The broken input, its format and the failure it must raise.
    func make() -> (Format, [UInt8], (CorpusError) -> Bool) {
        func reason(_ expected: InflateFailure) -> (CorpusError) -> Bool {
            { if case .inflate(let r, _, _) = $0 { r == expected } else { false } }
        }
        func checksum(_ kind: ChecksumKind) -> (CorpusError) -> Bool {
            { if case .checksumMismatch(let k, _, _, _) = $0 { k == kind } else { false } }
        }
        let text = CorpusFixtures.deflateCases.first { $0.name == "text-raw-default" }?.compressed ?? []
        let zlibText = CorpusFixtures.deflateCases.first { $0.name == "text-zlib-level6" }?.compressed ?? []
        let gzipText = CorpusFixtures.deflateCases.first { $0.name == "text-gzip" }?.compressed ?? []
        // A dynamic header with code-length code {1: 1 bit, 18: 1 bit} -> "1" = 0, "18" = 1.
        func lengths(hlit: Int = 257, _ body: (inout BitWriter) -> Void) -> [UInt8] {
            var w = BitWriter()
            w.dynamicHeader(final: true, hlit: hlit, hdist: 1, codeLengthCode: [1: 1, 18: 1])
            body(&w)
            return w.finish()
        }
        func one(_ w: inout BitWriter) { w.code(0, 1) }
        func zeros(_ w: inout BitWriter, _ n: Int) { w.code(1, 1); w.bits(n - 11, 7) }

        switch self {
        case .truncatedStream: return (.raw, Array(text.prefix(text.count / 2)), reason(.truncated))
        case .emptyStream: return (.raw, [], reason(.truncated))
        case .blockType3: return (.raw, [0x07, 0x00], reason(.invalidBlockType))
        case .storedLengthComplement: return (.raw, [0x01, 0x05, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5], reason(.storedLengthMismatch))
        case .storedTruncated: return (.raw, [0x01, 0x05, 0x00, 0xFA, 0xFF, 1, 2], reason(.truncated))
        case .oversubscribedCodeLengthCode:
            var w = BitWriter()
            w.dynamicHeader(final: true, hlit: 257, hdist: 1, codeLengthCode: [0: 1, 1: 1, 2: 1])
            return (.raw, w.finish() + [0, 0, 0, 0], reason(.oversubscribed(.codeLength)))
        case .incompleteCodeLengthCode:
            var w = BitWriter()
            w.dynamicHeader(final: true, hlit: 257, hdist: 1, codeLengthCode: [0: 2, 1: 2])
            return (.raw, w.finish() + [0, 0, 0, 0], reason(.incomplete(.codeLength)))
        case .oversubscribedLiteralCode:
            // Literals 0, 1, 2 and end-of-block all get 1-bit codes.
            return (.raw, lengths { w in
                one(&w); one(&w); one(&w); zeros(&w, 138); zeros(&w, 115); one(&w); one(&w)
            } + [0, 0, 0, 0], reason(.oversubscribed(.literalLength)))
        case .incompleteLiteralCode:
            // Literal 0 and end-of-block with 2-bit codes: half the code space stays unused.
            var w = BitWriter()
            w.dynamicHeader(final: true, hlit: 257, hdist: 1, codeLengthCode: [2: 1, 18: 1])
            w.code(0, 1)                          // literal 0: length 2
            w.code(1, 1); w.bits(138 - 11, 7)     // 1-138 unused
            w.code(1, 1); w.bits(117 - 11, 7)     // 139-255 unused
            w.code(0, 1)                          // 256: length 2
            w.code(0, 1)                          // distance 0: length 2
            return (.raw, w.finish() + [0, 0, 0, 0], reason(.incomplete(.literalLength)))
        case .missingEndOfBlock:
            return (.raw, lengths { w in one(&w); one(&w); zeros(&w, 138); zeros(&w, 118) }
                    + [0, 0, 0], reason(.missingEndOfBlock))
        case .repeatWithoutPrevious:
            // Canonical code-length codes: 1 -> "0", 16 -> "1"; the first code is a repeat.
            var w = BitWriter()
            w.dynamicHeader(final: true, hlit: 257, hdist: 1, codeLengthCode: [1: 1, 16: 1])
            w.code(1, 1); w.bits(0, 2)
            return (.raw, w.finish() + [0, 0, 0, 0], reason(.repeatWithoutPrevious))
        case .codeLengthsOverflow:
            return (.raw, lengths { w in zeros(&w, 138); zeros(&w, 138) } + [0, 0], reason(.codeLengthsOverflow))
        case .tooManyLiteralCodes:
            var w = BitWriter()
            w.bits(1, 1); w.bits(2, 2); w.bits(30, 5); w.bits(0, 5); w.bits(0, 4)
            return (.raw, w.finish() + [0, 0, 0, 0], reason(.tooManyCodes))
        case .tooManyDistanceCodes:
            var w = BitWriter()
            w.bits(1, 1); w.bits(2, 2); w.bits(0, 5); w.bits(30, 5); w.bits(0, 4)
            return (.raw, w.finish() + [0, 0, 0, 0], reason(.tooManyCodes))
        case .literalSymbol286:
            return (.raw, DeflateSamples.fixed { w in w.fixedSymbol(65); w.fixedSymbol(286); w.fixedSymbol(256) },
                    reason(.invalidSymbol(.literalLength)))
        case .distanceSymbol30:
            return (.raw, DeflateSamples.fixed { w in w.fixedSymbol(65); w.fixedSymbol(257); w.code(30, 5); w.fixedSymbol(256) },
                    reason(.invalidSymbol(.distance)))
        case .distanceTooFarBack:
            // One literal, then length 3 at distance 5 (code 4 + 1 extra bit = 0).
            return (.raw, DeflateSamples.fixed { w in w.fixedSymbol(65); w.fixedSymbol(257); w.code(4, 5); w.bits(0, 1); w.fixedSymbol(256) },
                    reason(.distanceTooFarBack(distance: 5, available: 1)))
        case .distanceBeforeAnyOutput:
            return (.raw, DeflateSamples.fixed { w in w.fixedSymbol(257); w.code(0, 5); w.fixedSymbol(256) },
                    reason(.distanceTooFarBack(distance: 1, available: 0)))
        case .zlibBadCheckBits: return (.zlib, [0x78, 0x9D] + text, reason(.zlibCheckBits))
        case .zlibBadMethod: return (.zlib, [0x77, 0x85] + text, reason(.unknownMethod(7)))
        case .zlibWindowTooLarge: return (.zlib, [0x88, 0x98] + text, reason(.zlibWindowTooLarge(cinfo: 8)))
        case .zlibPresetDictionary: return (.zlib, [0x78, 0xBB, 0, 0, 0, 1] + text, reason(.zlibPresetDictionary))
        case .zlibWrongAdler:
            var z = zlibText
            z[z.count - 2] ^= 0x40
            return (.zlib, z, checksum(.adler32))
        case .zlibMissingAdler: return (.zlib, Array(zlibText.dropLast(3)), reason(.truncated))
        case .gzipBadMagic: return (.gzip, [0x1F, 0x8C] + Array(gzipText.dropFirst(2)), reason(.gzipMagic))
        case .gzipReservedFlags:
            var g = gzipText
            g[3] |= 0x80
            return (.gzip, g, reason(.gzipReservedFlags))
        case .gzipWrongCRC:
            var g = gzipText
            g[g.count - 8] ^= 1
            return (.gzip, g, checksum(.crc32))
        case .gzipWrongSize:
            var g = gzipText
            g[g.count - 4] ^= 1
            return (.gzip, g, checksum(.gzipSize))
        case .gzipTruncatedHeader: return (.gzip, Array(gzipText.prefix(7)), reason(.truncated))
        case .bombPastLimit:
            // 4 GiB of zeros in ~4 MB; must stop at the 64 MiB limit, not allocate gigabytes.
            return (.raw, DeflateSamples.zeros(matches: 16_000_000), { if case .outputLimit(64 << 20) = $0 { true } else { false } })
        }
    }
}

@Suite struct InflateCorruptionTests {
    @Test(arguments: StreamCorruption.allCases)
    func rejected(_ corruption: StreamCorruption) {
        let (format, input, matches) = corruption.make()
        expectCorpusError(corruption.rawValue, matches) {
            switch format {
            case .raw: try Inflate.raw(input, maxOutput: 64 << 20)
            case .zlib: try Inflate.zlib(input, maxOutput: 64 << 20)
            case .gzip: try Inflate.gzip(input, maxOutput: 64 << 20)
            }
        }
    }

    /// The hand-made streams are valid where they should be, so the failures above are the
    /// intended ones and not accidents of the writer.
    @Test func builderSanity() throws {
        let ab = DeflateSamples.fixed { w in
            w.fixedSymbol(65); w.fixedSymbol(66); w.fixedSymbol(258); w.code(1, 5); w.fixedSymbol(256)
        }
        #expect(try Inflate.raw(ab, maxOutput: 100) == Array("ABABAB".utf8))
        let zeros = try Inflate.raw(DeflateSamples.zeros(matches: 1000), maxOutput: 1 << 20)
        #expect(zeros.count == 1 + 258 * 1000 && zeros.allSatisfy { $0 == 0 })
        // A lone 1-bit distance code and an empty distance code (literals only) are both legal.
        let literalsOnly: [UInt8] = {
            var w = BitWriter()
            w.dynamicHeader(final: true, hlit: 257, hdist: 1, codeLengthCode: [0: 1, 1: 1])
            w.code(1, 1)                                   // literal 0: length 1
            for _ in 1..<256 { w.code(0, 1) }              // 1-255 unused
            w.code(1, 1)                                   // 256: length 1
            w.code(0, 1)                                   // no distance codes
            w.code(0, 1); w.code(0, 1); w.code(1, 1)       // literal 0 twice, end of block
            return w.finish()
        }()
        #expect(try Inflate.raw(literalsOnly, maxOutput: 10) == [0, 0])
    }
}
