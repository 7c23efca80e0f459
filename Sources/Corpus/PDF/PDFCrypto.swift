// The three primitives the PDF standard security handler needs (ISO 32000-1 §7.6.2-§7.6.3):
// MD5 (RFC 1321), RC4, and AES-128 decryption in CBC mode (FIPS-197). Written from the specs;
// used only to open files whose user password is empty, never to protect anything.

/// MD5, RC4 and AES-128-CBC decryption for PDF's standard security handler.
public enum PDFCrypto {
    // MARK: MD5 (RFC 1321)

    private static let md5Shift: [UInt32] = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                             5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                                             4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                             6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21]

    /// K[i] = floor(2^32 * |sin(i + 1)|), RFC 1321 §3.4.
    private static let md5K: [UInt32] = [
        0xD76AA478, 0xE8C7B756, 0x242070DB, 0xC1BDCEEE, 0xF57C0FAF, 0x4787C62A, 0xA8304613, 0xFD469501,
        0x698098D8, 0x8B44F7AF, 0xFFFF5BB1, 0x895CD7BE, 0x6B901122, 0xFD987193, 0xA679438E, 0x49B40821,
        0xF61E2562, 0xC040B340, 0x265E5A51, 0xE9B6C7AA, 0xD62F105D, 0x02441453, 0xD8A1E681, 0xE7D3FBC8,
        0x21E1CDE6, 0xC33707D6, 0xF4D50D87, 0x455A14ED, 0xA9E3E905, 0xFCEFA3F8, 0x676F02D9, 0x8D2A4C8A,
        0xFFFA3942, 0x8771F681, 0x6D9D6122, 0xFDE5380C, 0xA4BEEA44, 0x4BDECFA9, 0xF6BB4B60, 0xBEBFBC70,
        0x289B7EC6, 0xEAA127FA, 0xD4EF3085, 0x04881D05, 0xD9D4D039, 0xE6DB99E5, 0x1FA27CF8, 0xC4AC5665,
        0xF4292244, 0x432AFF97, 0xAB9423A7, 0xFC93A039, 0x655B59C3, 0x8F0CCC92, 0xFFEFF47D, 0x85845DD1,
        0x6FA87E4F, 0xFE2CE6E0, 0xA3014314, 0x4E0811A1, 0xF7537E82, 0xBD3AF235, 0x2AD7D2BB, 0xEB86D391,
    ]

    /// The 16-byte MD5 digest of `message`.
    public static func md5(_ message: [UInt8]) -> [UInt8] {
        var a0: UInt32 = 0x6745_2301, b0: UInt32 = 0xEFCD_AB89, c0: UInt32 = 0x98BA_DCFE, d0: UInt32 = 0x1032_5476
        var m = message
        let bitLength = UInt64(message.count) &* 8
        m.append(0x80)
        while m.count % 64 != 56 { m.append(0) }
        for i in 0..<8 { m.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
        var w = [UInt32](repeating: 0, count: 16)
        for chunk in stride(from: 0, to: m.count, by: 64) {
            for i in 0..<16 {
                let j = chunk + 4 * i
                w[i] = UInt32(m[j]) | UInt32(m[j + 1]) << 8 | UInt32(m[j + 2]) << 16 | UInt32(m[j + 3]) << 24
            }
            var a = a0, b = b0, c = c0, d = d0
            for i in 0..<64 {
                var f: UInt32
                let g: Int
                switch i {
                case 0..<16: f = (b & c) | (~b & d); g = i
                case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
                case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
                default: f = c ^ (b | ~d); g = (7 * i) % 16
                }
                f = f &+ a &+ md5K[i] &+ w[g]
                a = d
                d = c
                c = b
                b = b &+ (f << md5Shift[i] | f >> (32 - md5Shift[i]))
            }
            a0 = a0 &+ a; b0 = b0 &+ b; c0 = c0 &+ c; d0 = d0 &+ d
        }
        var out: [UInt8] = []
        for v in [a0, b0, c0, d0] { for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
        return out
    }

    // MARK: RC4

    /// RC4 with `key` (1-256 bytes) over `data`; encryption and decryption are the same operation.
    public static func rc4(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        guard !key.isEmpty else { return data }
        var s = [UInt8](0...255)
        var j = 0
        for i in 0..<256 {
            j = (j + Int(s[i]) + Int(key[i % key.count])) & 0xFF
            s.swapAt(i, j)
        }
        var out = data
        var i = 0
        j = 0
        for k in 0..<out.count {
            i = (i + 1) & 0xFF
            j = (j + Int(s[i])) & 0xFF
            s.swapAt(i, j)
            out[k] ^= s[(Int(s[i]) + Int(s[j])) & 0xFF]
        }
        return out
    }

    // MARK: AES-128 (FIPS-197), decryption only

    private static let sbox: [UInt8] = {
        // Built from the definition (§5.1.1): multiplicative inverse in GF(2^8), then the affine map.
        var box = [UInt8](repeating: 0, count: 256)
        var p: UInt8 = 1, q: UInt8 = 1
        repeat {
            p = p ^ (p << 1) ^ (p & 0x80 != 0 ? 0x1B : 0) // p *= 3
            q ^= q << 1; q ^= q << 2; q ^= q << 4          // q /= 3
            if q & 0x80 != 0 { q ^= 0x09 }
            let x = q ^ rotl(q, 1) ^ rotl(q, 2) ^ rotl(q, 3) ^ rotl(q, 4)
            box[Int(p)] = x ^ 0x63
        } while p != 1
        box[0] = 0x63
        return box
    }()

    private static let inverseSbox: [UInt8] = {
        var inv = [UInt8](repeating: 0, count: 256)
        for i in 0..<256 { inv[Int(sbox[i])] = UInt8(i) }
        return inv
    }()

    private static func rotl(_ x: UInt8, _ n: UInt8) -> UInt8 { x << n | x >> (8 - n) }

    private static func xtime(_ x: UInt8) -> UInt8 { x << 1 ^ (x & 0x80 != 0 ? 0x1B : 0) }

    private static func mul(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var a = x, b = y, r: UInt8 = 0
        while b != 0 {
            if b & 1 != 0 { r ^= a }
            a = xtime(a)
            b >>= 1
        }
        return r
    }

    /// The 11 round keys of AES-128 (§5.2), 176 bytes.
    private static func expandKey(_ key: [UInt8]) -> [UInt8] {
        var w = key
        var rcon: UInt8 = 1
        while w.count < 176 {
            var t = Array(w[(w.count - 4)...])
            if w.count % 16 == 0 {
                t = [sbox[Int(t[1])] ^ rcon, sbox[Int(t[2])], sbox[Int(t[3])], sbox[Int(t[0])]]
                rcon = xtime(rcon)
            }
            for i in 0..<4 { w.append(w[w.count - 16] ^ t[i]) }
        }
        return w
    }

    /// Decrypts one 16-byte block in place with the expanded key (§5.3, the inverse cipher).
    private static func decryptBlock(_ s: inout [UInt8], _ w: [UInt8]) {
        for i in 0..<16 { s[i] ^= w[160 + i] }
        for round in stride(from: 9, through: 0, by: -1) {
            // InvShiftRows: row r moves right by r; the state is column-major.
            var t = s
            for c in 0..<4 { for r in 0..<4 { t[4 * ((c + r) % 4) + r] = s[4 * c + r] } }
            for i in 0..<16 { s[i] = inverseSbox[Int(t[i])] ^ w[16 * round + i] }
            if round == 0 { break }
            for c in 0..<4 { // InvMixColumns
                let a0 = s[4 * c], a1 = s[4 * c + 1], a2 = s[4 * c + 2], a3 = s[4 * c + 3]
                s[4 * c] = mul(a0, 14) ^ mul(a1, 11) ^ mul(a2, 13) ^ mul(a3, 9)
                s[4 * c + 1] = mul(a0, 9) ^ mul(a1, 14) ^ mul(a2, 11) ^ mul(a3, 13)
                s[4 * c + 2] = mul(a0, 13) ^ mul(a1, 9) ^ mul(a2, 14) ^ mul(a3, 11)
                s[4 * c + 3] = mul(a0, 11) ^ mul(a1, 13) ^ mul(a2, 9) ^ mul(a3, 14)
            }
        }
    }

    /// One AES-128 block decryption (ECB), for test vectors.
    public static func aes128DecryptBlock(key: [UInt8], _ block: [UInt8]) -> [UInt8] {
        guard key.count == 16, block.count == 16 else { return [] }
        var s = block
        decryptBlock(&s, expandKey(key))
        return s
    }

    /// AES-128-CBC decryption as PDF uses it (§7.6.2): the first 16 bytes are the IV, the rest
    /// whole blocks with PKCS#5 padding. A trailing partial block is dropped; bad padding is kept
    /// as data rather than failing.
    public static func aes128CBCDecrypt(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        guard key.count == 16, data.count >= 32 else { return [] }
        let w = expandKey(key)
        var previous = Array(data[0..<16])
        var out: [UInt8] = []
        out.reserveCapacity(data.count - 16)
        var block = [UInt8](repeating: 0, count: 16)
        var i = 16
        while i + 16 <= data.count {
            for k in 0..<16 { block[k] = data[i + k] }
            let cipher = block
            decryptBlock(&block, w)
            for k in 0..<16 { out.append(block[k] ^ previous[k]) }
            previous = cipher
            i += 16
        }
        if let pad = out.last, pad >= 1, pad <= 16, Int(pad) <= out.count,
           out[(out.count - Int(pad))...].allSatisfy({ $0 == pad }) {
            out.removeLast(Int(pad))
        }
        return out
    }
}
