// Two members of one object found in one scan: for readers that want both (a pod spec's two container lists).

extension JSONView {
    /// The members `first` and `second` of an object, as `(self[first], self[second])`: the
    /// last of a repeated key, nil for a missing one, both nil when this is not an object.
    /// Found in one scan of the members instead of one each. For the GPU rules, which read a
    /// pod spec's `containers` and `initContainers` and each container's `requests` and
    /// `limits` on every Knative Service review: a lookup costs ~100 instructions before it
    /// compares a key (borrowing the key and the buffers, starting the scan, making the view).
    public func members(_ first: String, _ second: String) -> (JSONView?, JSONView?) {
        let found = withUTF8(first) { first in
            withUTF8(second) { second in
                document.bytes.withUnsafeBufferPointer { bytes in
                    document.tape.withUnsafeBufferPointer { tape in JSONView.positions(of: first, second, in: index, bytes, tape) }
                }
            }
        }
        return (found.first.map { JSONView(document: document, index: $0) }, found.second.map { JSONView(document: document, index: $0) })
    }

    /// `position(of:in:_:_:)` for two keys in one scan: the tape indexes of their values, or
    /// nil (both nil when `object` is not an object). Keys with escapes are decoded, as there.
    static func positions(of first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>, in object: Int,
                          _ bytes: UnsafeBufferPointer<UInt8>,
                          _ tape: UnsafeBufferPointer<JSONTapeEntry>) -> (first: Int?, second: Int?) {
        guard object < tape.count else { return (nil, nil) }
        let e = tape[object]
        guard e.kind == .object, let base = bytes.baseAddress, let entries = tape.baseAddress else { return (nil, nil) }
        /// Whether the raw key at `start` (`count` bytes, no escapes) is `key`.
        @inline(__always) func rawKey(_ start: Int, _ count: Int, equals key: UnsafeBufferPointer<UInt8>) -> Bool {
            guard key.count == count else { return false }
            guard count > 0 else { return true }
            return key.baseAddress.map { base[start] == $0[0] && bytesEqual(base + start, $0, count: count) } ?? false
        }
        var found: (first: Int?, second: Int?) = (nil, nil)
        // Tape indexes stay below the tape's count: `&+` (as in `position`).
        var k = object &+ 1
        for _ in 0..<Int(e.end) {
            let keyEntry = entries[k]
            if keyEntry.flag {
                if escapedKey(keyEntry, equals: first, bytes) { found.first = k &+ 1 }
                if escapedKey(keyEntry, equals: second, bytes) { found.second = k &+ 1 }
            } else {
                // No early exit: with a repeated key the last one wins, as in `position`.
                let start = Int(keyEntry.start), count = Int(keyEntry.end) &- start
                if rawKey(start, count, equals: first) { found.first = k &+ 1 }
                if rawKey(start, count, equals: second) { found.second = k &+ 1 }
            }
            k = Int(entries[k &+ 1].next)
        }
        return found
    }
}
