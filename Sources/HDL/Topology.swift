/// Combinational dependency order of a module's nodes, and loop detection.
enum Topology {
    /// The nodes that `node` reads combinationally within `module` (registers cut the graph; an
    /// instance output reads the instance inputs it depends on inside the instantiated module).
    static func dependencies(_ module: Module, _ node: Int, cache: inout [ObjectIdentifier: [[Int]]]) -> [Int] {
        switch module.nodes[node].op {
        case .wire(let i):
            return [module.wires[i].driver]
        case .instanceOutput(let inst, let port):
            let instance = module.instances[inst]
            let reads = inputsReadBy(instance.module, cache: &cache)[port]
            return reads.map { instance.inputs[$0].node }
        default:
            return module.nodes[node].op.operands
        }
    }

    /// For each output port of `module`, the indices of the input ports it depends on combinationally.
    static func inputsReadBy(_ module: Module, cache: inout [ObjectIdentifier: [[Int]]]) -> [[Int]] {
        let key = ObjectIdentifier(module)
        if let hit = cache[key] { return hit }
        var result: [[Int]] = []
        for out in module.outputs {
            var seen = Set<Int>()
            var stack = [out.node]
            var ins = Set<Int>()
            while let n = stack.popLast() {
                guard seen.insert(n).inserted else { continue }
                if case .input(let i) = module.nodes[n].op { ins.insert(i) }
                stack += dependencies(module, n, cache: &cache)
            }
            result.append(ins.sorted())
        }
        cache[key] = result
        return result
    }

    /// Every node in an order where each comes after the nodes it reads; nil if there is a loop.
    static func order(_ module: Module) -> [Int]? {
        var cache: [ObjectIdentifier: [[Int]]] = [:]
        var state = [UInt8](repeating: 0, count: module.nodes.count)  // 0 new, 1 on stack, 2 done
        var out: [Int] = []
        out.reserveCapacity(module.nodes.count)
        for root in 0..<module.nodes.count where state[root] == 0 {
            var stack: [(node: Int, deps: [Int], next: Int)] = [(root, dependencies(module, root, cache: &cache), 0)]
            state[root] = 1
            while !stack.isEmpty {
                let top = stack.count - 1
                if stack[top].next < stack[top].deps.count {
                    let d = stack[top].deps[stack[top].next]
                    stack[top].next += 1
                    if state[d] == 1 { return nil }
                    if state[d] == 0 {
                        state[d] = 1
                        stack.append((d, dependencies(module, d, cache: &cache), 0))
                    }
                } else {
                    state[stack[top].node] = 2
                    out.append(stack[top].node)
                    stack.removeLast()
                }
            }
        }
        return out
    }

    /// The named signals along a combinational loop, if there is one.
    static func findLoop(_ module: Module) -> [String]? {
        guard order(module) == nil else { return nil }
        var cache: [ObjectIdentifier: [[Int]]] = [:]
        var state = [UInt8](repeating: 0, count: module.nodes.count)
        var path: [Int] = []
        func visit(_ n: Int) -> [Int]? {
            state[n] = 1
            path.append(n)
            for d in dependencies(module, n, cache: &cache) {
                if state[d] == 1 { return Array(path[path.firstIndex(of: d)!...]) + [d] }
                if state[d] == 0, let loop = visit(d) { return loop }
            }
            path.removeLast()
            state[n] = 2
            return nil
        }
        for n in 0..<module.nodes.count where state[n] == 0 {
            if let loop = visit(n) {
                let names = loop.reversed().compactMap { name(module, $0) }  // signal-flow order
                var deduped: [String] = []
                for n in names where deduped.last != n { deduped.append(n) }
                return deduped.isEmpty ? ["an unnamed expression"] : deduped
            }
        }
        return ["an unnamed expression"]
    }

    static func name(_ module: Module, _ node: Int) -> String? {
        switch module.nodes[node].op {
        case .input(let i): return module.inputs[i].name
        case .wire(let i): return module.wires[i].name
        case .register(let i): return module.registers[i].name
        default: return nil
        }
    }
}
