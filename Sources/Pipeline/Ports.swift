// Typed ports: what flows between stages. A PortType pairs the name used in pipeline files
// (`hits`, `answer`) with the Swift type of its values, so the linker checks connections by
// name and the executor checks every produced value by type — a wrong value is an error, never a
// silent empty one. `Port<Value>` is the handle stage code reads and writes values through.

/// The type of the values on a port: its name in pipeline files and its Swift type.
public struct PortType: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    private let valueType: ObjectIdentifier
    /// The Swift type's name, for messages.
    public let valueTypeName: String

    public init<Value: Sendable>(_ name: String, carrying: Value.Type) {
        self.name = name
        valueType = ObjectIdentifier(Value.self)
        valueTypeName = String(describing: Value.self)
    }

    /// Whether `value` is of this port's Swift type (exactly: ports carry concrete types).
    public func admits(_ value: any Sendable) -> Bool {
        ObjectIdentifier(type(of: value)) == valueType
    }

    public var description: String { name }
}

/// A typed handle on a port type: `Port<[Hit]>("hits")`.
public struct Port<Value: Sendable>: Sendable {
    public let type: PortType
    public init(_ name: String) { type = PortType(name, carrying: Value.self) }
}

/// How many references an input takes, and how the executor fills it.
public enum InputArity: Sendable, Equatable {
    /// Exactly one reference.
    case one
    /// Any number of references; every one that produced a value is passed, in `in` order.
    case many
    /// Several alternative references tried in `in` order: the first whose stage produces a value
    /// (or fails) decides, and later ones are not run at all. How the ingest pipeline gives a file
    /// to the first extract stage that takes it.
    case first
}

public struct InputSpec: Sendable {
    public let name: String
    public let type: PortType
    public let arity: InputArity
    /// An optional input may stay unconnected, and the stage runs without its value.
    public let optional: Bool

    public init<V>(_ name: String, _ port: Port<V>, _ arity: InputArity = .one, optional: Bool = false) {
        self.name = name
        type = port.type
        self.arity = arity
        self.optional = optional
    }

    /// Takes more than one reference.
    public var takesMany: Bool { arity != .one }
}

public struct OutputSpec: Sendable {
    public let name: String
    public let type: PortType

    public init<V>(_ name: String, _ port: Port<V>) {
        self.name = name
        type = port.type
    }
}
