import Flint

/// What reflection finds in a module's stored properties.
struct ReflectedMembers {
    var parameters: [(name: String, parameter: Parameter)] = []
    var buffers: [(name: String, buffer: Buffer)] = []
    var children: [(name: String, module: Module)] = []
}

extension Module {
    /// Walks this object's stored properties, superclasses first, and sorts what it finds.
    func reflectedMembers() -> ReflectedMembers {
        var members = ReflectedMembers()
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let current = mirror {
            mirrors.insert(current, at: 0)
            mirror = current.superclassMirror
        }
        for current in mirrors {
            for child in current.children {
                guard let label = child.label, !label.hasPrefix("_"), !label.hasPrefix("$") else { continue }
                collect(child.value, key: snakeCase(label), into: &members)
            }
        }
        return members
    }

    private func collect(_ value: Any, key: String, into members: inout ReflectedMembers) {
        switch value {
        case let parameter as Parameter:
            members.parameters.append((key, parameter))
        case let buffer as Buffer:
            members.buffers.append((key, buffer))
        case let module as Module:
            members.children.append((key, module))
        case let modules as [Module]:
            for (index, module) in modules.enumerated() { members.children.append(("\(key).\(index)", module)) }
        case let modules as [String: Module]:
            for name in modules.keys.sorted() { members.children.append(("\(key).\(name)", modules[name]!)) }
        case let parameters as [Parameter]:
            for (index, parameter) in parameters.enumerated() { members.parameters.append(("\(key).\(index)", parameter)) }
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional, let wrapped = mirror.children.first?.value {
                collect(wrapped, key: key, into: &members)
            }
        }
    }
}

/// `runningMean` → `running_mean`, `weightIhL0` → `weight_ih_l0`, `linear1` → `linear1`: Swift
/// property names to the keys PyTorch uses.
func snakeCase(_ name: String) -> String {
    var result = ""
    for character in name {
        if character.isUppercase {
            if !result.isEmpty { result.append("_") }
            result.append(contentsOf: character.lowercased())
        } else {
            result.append(character)
        }
    }
    return result
}
