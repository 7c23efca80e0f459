// The key/value cache: f32 keys and values of every layer for every position of the context,
// allocated once at load (untouched pages cost no memory until a long context reaches them).
import Tensor

/// Keys and values of all layers: `[layers, context, kvHeads·headDim]` each.
final class KVCache: @unchecked Sendable {
    let layers: Int
    let context: Int
    let width: Int
    private let keys: RawBuffer           // [layers, context, width]
    private let values: RawBuffer         // [layers, context, width]
    /// Positions filled (the next token's position).
    var length = 0

    init(layers: Int, context: Int, width: Int) {
        self.layers = layers
        self.context = context
        self.width = width
        keys = RawBuffer(bytes: layers * context * width * 4)
        values = RawBuffer(bytes: layers * context * width * 4)
    }

    /// Layer `l`'s rows, for the attention kernel.
    func rows(_ l: Int) -> KVRows {
        KVRows(keys: keys.floats + l * context * width, values: values.floats + l * context * width, stride: width)
    }

    /// Bytes of the whole cache.
    var byteCount: Int { 2 * layers * context * width * 4 }
}
