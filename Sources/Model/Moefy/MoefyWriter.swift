// Writes the MoE GGUF: every tensor of the dense file copied as is, except each layer's dense
// FFN, which becomes a router and three stacked expert tensors in the Mixtral layout llama.cpp's
// `llama` architecture reads (ffn_gate_inp, ffn_{gate,up,down}_exps). Gate and up rows are
// copied byte for byte (an expert's neurons are whole rows); down is re-quantised, since an
// expert's columns are a gather of the dense matrix's columns, scaled by k (see MoefyPlan).
import GGUF
import Tensor

/// One layer's conversion: which neurons form each expert and the router that picks them.
struct MoefyLayerPlan {
    /// Per expert, the dense FFN neuron indices it keeps, sorted (`experts × width`).
    var groups: [[Int]]
    /// The neurons every token uses (the always-on shared expert; empty: none), sorted.
    var shared: [Int] = []
    /// Router weights, `[experts, embedding]` row-major (ggml dims `[embedding, experts]`).
    var router: [Float]
}

struct MoefyWriter {
    let source: GGUFFile
    let architecture: String
    let layers: [MoefyLayerPlan]
    let experts: Int
    let active: Int
    let embedding: Int
    /// Dense FFN width.
    let feedForward: Int
    let name: String
    /// Neurons in each layer's shared expert (0: plain Mixtral layout).
    let shared: Int

    var expertWidth: Int { (feedForward - shared) / experts }

    /// Without a shared expert the file stays `llama` (Mixtral layout); with one it becomes
    /// `granitemoe`, the llama-shaped architecture whose layers add an ungated shared expert
    /// to the routed ones (its multipliers set to be neutral).
    var outputArchitecture: String { shared > 0 ? "granitemoe" : architecture }

    /// The stored type of a down matrix whose rows are `width` long: Q8_0 when the row is whole
    /// blocks (re-quantising already-quantised values at 8 bits loses almost nothing, while a
    /// second 4-bit rounding of the gathered columns costs measurable perplexity), else F16.
    static func downType(width: Int) -> GGMLType { width % 32 == 0 ? .q8_0 : .f16 }

    func write(to path: String) throws {
        var w = try GGUFWriter(alignment: source.alignment)
        let arch = outputArchitecture
        var replaced: [String: MetadataValue] = [
            "general.architecture": .string(arch),
            "general.name": .string(name),
            "\(arch).feed_forward_length": .uint32(UInt32(expertWidth)),
            "\(arch).expert_count": .uint32(UInt32(experts)),
            "\(arch).expert_used_count": .uint32(UInt32(active)),
        ]
        if shared > 0 {
            replaced["\(arch).expert_shared_feed_forward_length"] = .uint32(UInt32(shared))
            replaced["\(arch).logit_scale"] = .float32(1)
        }
        let prefix = architecture + "."
        for key in source.metadata.keys where key != "general.alignment" {
            let renamed = key.hasPrefix(prefix) ? arch + "." + key.dropFirst(prefix.count) : key
            guard let v = replaced[renamed] ?? source.metadata[key] else { continue }
            try w.add(renamed, v)
        }
        for key in replaced.keys.sorted() where !w.metadata.contains(key) {
            if let v = replaced[key] { try w.add(key, v) }
        }

        let denseFFN = Set((0..<layers.count).flatMap { l in ["gate", "up", "down"].map { "blk.\(l).ffn_\($0).weight" } })
        for info in source.tensors where !denseFFN.contains(info.name) {
            let view = source.view(of: info)
            try w.addTensor(name: info.name, type: info.type, dims: info.dims) { sink in try sink.write(view.bytes) }
        }
        for (l, plan) in layers.enumerated() {
            try addLayer(l, plan, into: &w)
        }
        try w.write(to: path)
    }

    private func addLayer(_ l: Int, _ plan: MoefyLayerPlan, into w: inout GGUFWriter) throws {
        let e = embedding, width = expertWidth
        let router = plan.router
        try w.addTensor(name: "blk.\(l).ffn_gate_inp.weight", type: .f32, dims: [e, experts]) { sink in
            try sink.write(floats: router)
        }
        for part in ["gate", "up"] {
            let view = try source.view(named: "blk.\(l).ffn_\(part).weight") // dims [embedding, feedForward]
            try w.addTensor(name: "blk.\(l).ffn_\(part)_exps.weight", type: view.type, dims: [e, width, experts]) { sink in
                for group in plan.groups { for neuron in group { try sink.write(view.row(neuron)) } }
            }
            if !plan.shared.isEmpty {
                try w.addTensor(name: "blk.\(l).ffn_\(part)_shexp.weight", type: view.type, dims: [e, plan.shared.count]) { sink in
                    for neuron in plan.shared { try sink.write(view.row(neuron)) }
                }
            }
        }
        try addDown(l, name: "blk.\(l).ffn_down_exps.weight", groups: plan.groups, scale: Float(active), into: &w)
        if !plan.shared.isEmpty {
            try addDown(l, name: "blk.\(l).ffn_down_shexp.weight", groups: [plan.shared], scale: 1, into: &w)
        }
    }

    /// A down matrix per group (stacked when several): the dense down's columns for the
    /// group's neurons, times `scale`.
    private func addDown(_ l: Int, name: String, groups: [[Int]], scale: Float, into w: inout GGUFWriter) throws {
        let e = embedding, width = groups.first?.count ?? 0
        let down = try source.view(named: "blk.\(l).ffn_down.weight") // dims [feedForward, embedding]
        let type = Self.downType(width: width)
        guard let denseFormat = QuantFormat(rawValue: down.type.rawValue), let outFormat = QuantFormat(rawValue: type.rawValue) else {
            throw ModelError.unsupportedTensorType(name: down.info.name, type: down.type.name)
        }
        let ff = feedForward
        let dims = groups.count > 1 ? [width, e, groups.count] : [width, e]
        try w.addTensor(name: name, type: type, dims: dims) { sink in
            var dense = [Float](repeating: 0, count: ff) // one output row of the dense down matrix
            var slice = [Float](repeating: 0, count: width) // that row restricted to one group, × scale
            var packed = [UInt8](repeating: 0, count: outFormat.byteCount(width))
            for group in groups {
                for r in 0..<e {
                    let row = down.row(r)
                    guard let base = row.baseAddress else { continue }
                    dense.withUnsafeMutableBufferPointer { d in
                        if let p = d.baseAddress { dequantize(type: denseFormat, src: base, dst: p, count: ff) }
                    }
                    for (i, neuron) in group.enumerated() { slice[i] = dense[neuron] * scale }
                    slice.withUnsafeBufferPointer { s in
                        packed.withUnsafeMutableBytes { out in
                            if let src = s.baseAddress, let dst = out.baseAddress { quantize(type: outFormat, src: src, dst: dst, count: width) }
                        }
                    }
                    try sink.write(packed)
                }
            }
        }
    }
}
