// The key/value cache: keys and values (f32, or f16 for half the memory and attention traffic)
// of every layer for every position of the context, allocated once at load (untouched pages
// cost no memory until a long context reaches them). Head-major: one head's rows for all
// positions are contiguous, so attention streams them.
import Tensor

/// Keys and values of all layers: `[layers, kvHeads, context, headDim]` each, in `format`.
final class KVCache: @unchecked Sendable {
    let layers: Int
    let context: Int
    let heads: Int
    let headDim: Int
    let format: KVFormat
    private let keys: RawBuffer           // [layers, kvHeads, context, headDim] elements of `format`
    private let values: RawBuffer         // [layers, kvHeads, context, headDim] elements of `format`
    /// Positions filled (the next token's position).
    var length = 0

    /// Elements per position of one layer (kvHeads·headDim).
    var width: Int { heads * headDim }

    init(layers: Int, context: Int, heads: Int, headDim: Int, format: KVFormat) {
        self.layers = layers
        self.context = context
        self.heads = heads
        self.headDim = headDim
        self.format = format
        let width = heads * headDim
        keys = RawBuffer(bytes: layers * context * width * format.elementBytes)
        values = RawBuffer(bytes: layers * context * width * format.elementBytes)
    }

    /// Layer `l`'s rows, for the attention kernel.
    func rows(_ l: Int) -> KVRows {
        let offset = l * context * width * format.elementBytes
        return KVRows(keys: keys.pointer + offset, values: values.pointer + offset, stride: headDim,
                      headStride: context * headDim, format: format)
    }

    /// Bytes of the whole cache.
    var byteCount: Int { 2 * layers * context * width * format.elementBytes }
}
