// The parser's reusable value and key stacks: elements are moved out, never copied.

/// A stack whose slots stay initialized (with a payload-free `empty` value) after a pop, so
/// popping a container's members is a move into an exactly sized array plus a refill — no
/// retain/release per element and no generic `removeLast(_:)`.
///
/// Owned by one `JSONParser.parseDocument` call; never shared between threads. It deliberately
/// does no bounds trapping of its own: `pop(from:)` clamps a bad start to an empty result.
struct ScratchStack<Element> {
    private var storage: [Element]
    private(set) var count = 0
    private let empty: Element

    init(empty: Element, capacity: Int) {
        self.empty = empty
        storage = []
        storage.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func push(_ element: Element) {
        if count < storage.count {
            storage[count] = element
        } else {
            storage.append(element)
        }
        count += 1
    }

    /// Moves elements `start..<count` out, in order, and leaves `count == start`.
    mutating func pop(from start: Int) -> [Element] {
        let n = count - start
        guard n > 0, start >= 0 else { return [] }
        var result: [Element] = []
        result.reserveCapacity(n)
        let empty = self.empty
        storage.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress.map({ $0 + start }) else { return }
            for k in 0..<n { result.append((base + k).move()) }
            base.initialize(repeating: empty, count: n)
        }
        count = start
        return result
    }

    /// Pops an object frame's keys and values together as members, in source order.
    static func popMembers(
        _ keys: inout ScratchStack<String>, _ values: inout ScratchStack<JSONValue>, from frame: JSONParser.Frame
    ) -> [JSONObject.Member] {
        let n = values.count - frame.valueStart
        guard n > 0, n == keys.count - frame.keyStart, frame.valueStart >= 0, frame.keyStart >= 0 else { return [] }
        var result: [JSONObject.Member] = []
        result.reserveCapacity(n)
        keys.storage.withUnsafeMutableBufferPointer { keyBuffer in
            values.storage.withUnsafeMutableBufferPointer { valueBuffer in
                guard let fromKeys = keyBuffer.baseAddress.map({ $0 + frame.keyStart }),
                      let fromValues = valueBuffer.baseAddress.map({ $0 + frame.valueStart })
                else { return }
                for k in 0..<n {
                    result.append(JSONObject.Member(key: (fromKeys + k).move(), value: (fromValues + k).move()))
                }
                fromKeys.initialize(repeating: "", count: n)
                fromValues.initialize(repeating: .null, count: n)
            }
        }
        keys.count = frame.keyStart
        values.count = frame.valueStart
        return result
    }
}
