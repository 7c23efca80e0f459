// Binds GGUF tensors to the shapes an architecture expects: every tensor is checked against the
// shape the hyperparameters imply (ModelError.shape, dims in ggml order: row length first) and
// against the formats the kernels can use, before any forward pass runs.
import GGUF
import Tensor

/// Float vectors the model owns (norm weights converted from F16/BF16), freed with the model.
final class OwnedFloats: @unchecked Sendable {
    private(set) var buffers: [UnsafeMutablePointer<Float>] = []

    func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        buffers.append(p)
        return p
    }

    deinit { for p in buffers { p.deallocate() } }
}

/// Looks tensors up by `TensorName` and checks them.
struct TensorBinder {
    let file: GGUFFile
    let owned: OwnedFloats
    /// Where matrices get their packed copies (nil: the unpacked kernels only).
    var packer: PackedWeights? = nil

    /// Whether the file has tensor `t`.
    func has(_ t: TensorName) -> Bool { file.tensor(named: t.name) != nil }

    /// The info of `t` with exactly `dims` (ggml order).
    /// - Throws: `ModelError.missingTensor`, `.shape`.
    func info(_ t: TensorName, _ dims: [Int]) throws -> TensorInfo {
        guard let info = file.tensor(named: t.name) else { throw ModelError.missingTensor(name: t.name) }
        // ggml dims beyond the tensor's rank are 1: [n] and [n, 1] are the same shape.
        func trimmed(_ d: [Int]) -> [Int] {
            var d = d
            while d.count > 1, d.last == 1 { d.removeLast() }
            return d
        }
        if trimmed(info.dims) != trimmed(dims) { throw ModelError.shape(name: t.name, expected: dims, found: info.dims) }
        return info
    }

    /// A weight matrix of `rows` outputs × `columns` inputs (ggml dims [columns, rows]).
    /// - Throws: `ModelError.missingTensor`, `.shape`, `.unsupportedTensorType`.
    func matrix(_ t: TensorName, rows: Int, columns: Int) throws -> WeightMatrix {
        let i = try info(t, [columns, rows])
        let w = WeightMatrix(format: try format(of: i), rows: rows, columns: columns, data: try base(of: i))
        return packer?.pack(w) ?? w
    }

    /// `matrix` when the tensor exists, else nil. - Throws: as `matrix` for a present tensor.
    func optionalMatrix(_ t: TensorName, rows: Int, columns: Int) throws -> WeightMatrix? {
        has(t) ? try matrix(t, rows: rows, columns: columns) : nil
    }

    /// `experts` stacked matrices of `rows` × `columns` (ggml dims [columns, rows, experts]).
    /// - Throws: `ModelError.missingTensor`, `.shape`, `.unsupportedTensorType`.
    func experts(_ t: TensorName, rows: Int, columns: Int, experts: Int) throws -> ExpertTensor {
        let i = try info(t, [columns, rows, experts])
        let all = WeightMatrix(format: try format(of: i), rows: rows * experts, columns: columns, data: try base(of: i))
        return ExpertTensor(stacked: packer?.pack(all) ?? all, rowsPerExpert: rows, experts: experts)
    }

    /// A float vector of `count` elements (F32 read in place; F16/BF16 converted once).
    /// - Throws: `ModelError.missingTensor`, `.shape`, `.unsupportedTensorType`.
    func vector(_ t: TensorName, _ count: Int) throws -> UnsafePointer<Float> {
        let i = try info(t, [count])
        let bytes = file.view(of: i).bytes
        guard let base = bytes.baseAddress else { return UnsafePointer(owned.allocate(count)) }
        switch i.type {
        case .f32 where Int(bitPattern: base) % 4 == 0:
            return base.assumingMemoryBound(to: Float.self)
        case .f32, .f16, .bf16:
            let p = owned.allocate(count)
            let f = QuantFormat(rawValue: i.type.rawValue) ?? .f32
            dequantize(type: f, src: base, dst: p, count: count)
            return UnsafePointer(p)
        default:
            throw ModelError.unsupportedTensorType(name: t.name, type: i.type.name)
        }
    }

    /// `vector` when the tensor exists, else nil. - Throws: as `vector` for a present tensor.
    func optionalVector(_ t: TensorName, _ count: Int) throws -> UnsafePointer<Float>? {
        has(t) ? try vector(t, count) : nil
    }

    /// The first byte of a tensor (an empty tensor is never a valid weight).
    /// - Throws: `ModelError.shape` for an empty tensor.
    func base(of info: TensorInfo) throws -> UnsafeRawPointer {
        guard let p = file.view(of: info).bytes.baseAddress else {
            throw ModelError.shape(name: info.name, expected: info.dims.map { max($0, 1) }, found: info.dims)
        }
        return p
    }

    /// The kernel format of a tensor.
    /// - Throws: `ModelError.unsupportedTensorType` for formats the linear kernels lack.
    func format(of info: TensorInfo) throws -> QuantFormat {
        guard let f = QuantFormat(rawValue: info.type.rawValue), f.isLinearWeight else {
            throw ModelError.unsupportedTensorType(name: info.name, type: info.type.name)
        }
        return f
    }
}
