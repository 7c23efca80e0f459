// Every class of malformed GGUF file, named, each rejected with its specific error case
// (after llama.cpp's tests/test-gguf.cpp handcrafted files). Also: no prefix or random
// mutation of a valid file may crash the reader.
import GGUF
import Posix
import Testing
import TestSupport

enum GGUFCorruption: String, CaseIterable, CustomTestStringConvertible {
    case truncatedHeader, badMagic, byteSwappedVersion, version0, version1, futureVersion
    case tensorCountAbsurd, kvCountAbsurd, stringLongerThanFile, emptyKey, unknownValueType
    case arrayCountAbsurd, arrayNestedTooDeep, duplicateKey, alignmentNotPowerOfTwo
    case alignmentWrongType, unknownTensorType, duplicateTensor, tooManyDims, negativeDimension
    case elementCountOverflow, rowNotBlockMultiple, tensorOffsetMisaligned, tensorPastEndOfFile
    case dataSectionTruncated

    var testDescription: String { rawValue }

    /// The broken file.
    var bytes: [UInt8] {
        var f = RawGGUF()
        switch self {
        case .truncatedHeader: return Array(f.bytes().prefix(14))
        case .badMagic: f.magic = Array("GGUX".utf8)
        case .byteSwappedVersion: f.version = 0x0300_0000
        case .version0: f.version = 0
        case .version1: f.version = 1
        case .futureVersion: f.version = 4
        case .tensorCountAbsurd: f.tensorCount = 1 << 60
        case .kvCountAbsurd: f.kvCount = UInt64.max
        case .stringLongerThanFile:
            f.kvs.append(RawKV(key: "x", type: 8, payload: RawGGUF.le(UInt64(1) << 40) + Array("abc".utf8)))
        case .emptyKey: f.kvs.append(.uint32("", 1))
        case .unknownValueType: f.kvs.append(RawKV(key: "x", type: 13, payload: [0, 0, 0, 0]))
        case .arrayCountAbsurd:
            f.kvs.append(RawKV(key: "x", type: 9, payload: RawGGUF.le(UInt32(4)) + RawGGUF.le(UInt64(1) << 61)))
        case .arrayNestedTooDeep:
            // array of array of ... (20 levels), each claiming one element
            let level = RawGGUF.le(UInt32(9)) + RawGGUF.le(UInt64(1))
            f.kvs.append(RawKV(key: "x", type: 9, payload: Array((0..<20).map { _ in level }.joined())
                                   + RawGGUF.le(UInt32(4)) + RawGGUF.le(UInt64(0))))
        case .duplicateKey: f.kvs.append(.string("general.architecture", "again"))
        case .alignmentNotPowerOfTwo: f.kvs.append(.uint32("general.alignment", 48))
        case .alignmentWrongType: f.kvs.append(RawKV(key: "general.alignment", type: 10, payload: RawGGUF.le(UInt64(64))))
        case .unknownTensorType: f.tensors[1].type = 4  // Q4_2, removed from ggml
        case .duplicateTensor: f.tensors[1].name = "a"
        case .tooManyDims: f.tensors[0].dims = [1, 1, 1, 4, 2]
        case .negativeDimension: f.tensors[0].dims = [4, -2]
        case .elementCountOverflow: f.tensors[0].dims = [1 << 40, 1 << 40]
        case .rowNotBlockMultiple: f.tensors[1].dims = [16, 2]  // Q8_0 rows must be multiples of 32
        case .tensorOffsetMisaligned: f.tensors[1].offset = 33
        case .tensorPastEndOfFile: f.tensors[1].offset = 1 << 20
        case .dataSectionTruncated: return Array(f.bytes().dropLast(20))
        }
        return f.bytes()
    }

    /// Whether `error` is this corruption's specific case (with the right subject).
    func matches(_ error: GGUFError) -> Bool {
        switch (self, error) {
        case (.truncatedHeader, .truncated): true
        case (.badMagic, .badMagic(let found)): found == 0x5855_4747
        case (.byteSwappedVersion, .byteSwapped(let v)): v == 0x0300_0000
        case (.version0, .obsoleteVersion(0)), (.version1, .obsoleteVersion(1)): true
        case (.futureVersion, .futureVersion(4, 3)): true
        case (.tensorCountAbsurd, .tooManyTensors(let n, _)): n == 1 << 60
        case (.kvCountAbsurd, .tooManyKeys(let n, _)): n == UInt64.max
        case (.stringLongerThanFile, .stringTooLong(let key, let length, _, _)): key == "x" && length == 1 << 40
        case (.emptyKey, .emptyKey(1)): true
        case (.unknownValueType, .unknownValueType(13, "x")): true
        case (.arrayCountAbsurd, .arrayTooLong(let key, let n, _, _)): key == "x" && n == 1 << 61
        case (.arrayNestedTooDeep, .arrayTooDeep(let key, _)): key == "x"
        case (.duplicateKey, .duplicateKey("general.architecture")): true
        case (.alignmentNotPowerOfTwo, .badAlignment(48)): true
        case (.alignmentWrongType, .wrongType("general.alignment", "uint32", "uint64")): true
        case (.unknownTensorType, .unknownTensorType(4, "b")): true
        case (.duplicateTensor, .duplicateTensor("a")): true
        case (.tooManyDims, .tooManyDimensions("a", 5, 4)): true
        case (.negativeDimension, .badDimension("a", 1, -2)): true
        case (.elementCountOverflow, .tensorTooLarge(let name, _)): name == "a"
        case (.rowNotBlockMultiple, .rowNotBlockAligned("b", 16, 32, "Q8_0")): true
        case (.tensorOffsetMisaligned, .misalignedTensor("b", 33, 32)): true
        case (.tensorPastEndOfFile, .tensorOutOfBounds(let name, _, 34, _)): name == "b"
        case (.dataSectionTruncated, .tensorOutOfBounds(let name, _, 34, _)): name == "b"
        default: false
        }
    }
}

@Suite struct CorruptionTests {
    @Test func baseFileIsValid() throws {
        let file = try GGUFFile(copying: RawGGUF().bytes())
        #expect(file.tensors.map(\.name) == ["a", "b"])
        #expect(try file.metadata.string("general.architecture") == "test")
    }

    @Test(arguments: GGUFCorruption.allCases)
    func corruptFileIsRejected(_ corruption: GGUFCorruption) {
        do {
            _ = try GGUFFile(copying: corruption.bytes)
            Issue.record("\(corruption) was accepted")
        } catch let error as GGUFError {
            #expect(corruption.matches(error), "\(corruption) gave: \(error)")
            #expect(!error.description.isEmpty)
        } catch {
            Issue.record("\(corruption) threw a foreign error: \(error)")
        }
    }

    @Test func everyPrefixOfARealFileIsRejected() throws {
        let full = try FileSystem.read(Paths.fixtures + "/gguf/pywritten.gguf")
        // Only the padding after the last tensor may be cut.
        let file = try GGUFFile(copying: full)
        let end = file.tensors.map { file.dataOffset + $0.offset + $0.byteCount }.max() ?? full.count
        #expect(end > full.count - file.alignment)
        for n in 0..<end {
            #expect(throws: GGUFError.self) { _ = try GGUFFile(copying: Array(full.prefix(n))) }
        }
        _ = try GGUFFile(copying: full)
    }

    @Test func randomMutationsNeverCrash() throws {
        let full = try FileSystem.read(Paths.fixtures + "/gguf/pywritten.gguf")
        var rng = SeededRandom(seed: 7)
        var accepted = 0
        for _ in 0..<3000 {
            var b = full
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            if let file = try? GGUFFile(copying: b) {
                accepted += 1
                for t in file.tensors { _ = file.view(of: t).bytes.reduce(0, &+) }  // every view is readable
            }
        }
        #expect(accepted < 3000)
    }
}

