// Duplicate-key detection on a parsed tape, asked by readers that merge repeated keys.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension JSONParser {
    /// Whether two members of the object at `index` have the same key, compared as decoded
    /// UTF-8 bytes. Pairwise (no allocation) for the small objects Kubernetes documents are
    /// made of, hashed for large ones, so a huge object costs linear time. Not run while
    /// parsing (most objects are never asked): readers that must merge repeated keys
    /// (`JSONView.members` and `count`, the materialiser) ask when they need to.
    static func hasDuplicateKeys(_ bytes: UnsafeBufferPointer<UInt8>, _ tape: UnsafeBufferPointer<JSONTapeEntry>, object index: Int) -> Bool {
        let count = Int(tape[index].end)
        guard count > 1 else { return false }
        var anyEscaped = false
        var k = index + 1
        for _ in 0..<count {
            if tape[k].flag { anyEscaped = true; break }
            k = Int(tape[k + 1].next)
        }
        if anyEscaped {
            var seen = Set<[UInt8]>(minimumCapacity: count)
            k = index + 1
            for _ in 0..<count {
                if !seen.insert(decodedBytes(bytes, tape[k])).inserted { return true }
                k = Int(tape[k + 1].next)
            }
            return false
        }
        if count > 32, let base = bytes.baseAddress {
            var seen = Set<RawKey>(minimumCapacity: count)
            k = index + 1
            for _ in 0..<count {
                let key = RawKey(base: base + Int(tape[k].start), count: Int(tape[k].end &- tape[k].start))
                if !seen.insert(key).inserted { return true }
                k = Int(tape[k + 1].next)
            }
            return false
        }
        var a = Int(tape[index + 1 + 1].next)  // the second member's key
        for _ in 1..<count {
            let ka = tape[a]
            var b = index + 1
            while b < a {
                if rawBytesEqual(bytes, ka, tape[b]) { return true }
                b = Int(tape[b + 1].next)
            }
            a = Int(tape[a + 1].next)
        }
        return false
    }

    /// An unescaped key's bytes in the input, hashed and compared in place (valid only while
    /// the parser's input is, i.e. inside `hasDuplicateKeys`).
    struct RawKey: Hashable {
        let base: UnsafePointer<UInt8>
        let count: Int

        static func == (lhs: RawKey, rhs: RawKey) -> Bool {
            lhs.count == rhs.count && (lhs.count == 0 || memcmp(lhs.base, rhs.base, lhs.count) == 0)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(bytes: UnsafeRawBufferPointer(start: base, count: count))
        }
    }

    /// Byte equality of two unescaped strings' text.
    @inline(__always)
    static func rawBytesEqual(_ bytes: UnsafeBufferPointer<UInt8>, _ a: JSONTapeEntry, _ b: JSONTapeEntry) -> Bool {
        let length = Int(a.end &- a.start)
        guard length == Int(b.end &- b.start) else { return false }
        guard length > 0, let base = bytes.baseAddress else { return true }
        return memcmp(base + Int(a.start), base + Int(b.start), length) == 0
    }

    /// The decoded UTF-8 of a string entry (its raw text when it has no escape).
    static func decodedBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ entry: JSONTapeEntry) -> [UInt8] {
        let raw = UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.end)])
        guard entry.flag else { return Array(raw) }
        let parser = JSONParser(bytes: bytes, maxDepth: 0)
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var j = Int(entry.start)
        let end = Int(entry.end)
        guard let base = bytes.baseAddress else { return out }
        while j < end {
            // Copy the plain run up to the next backslash in one step, then decode the escape.
            let run = memchr(base + j, Int32(UInt8(ascii: "\\")), end - j).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? end
            out.append(contentsOf: UnsafeBufferPointer(start: base + j, count: run - j))
            guard run < end else { break }
            // Checked when the tape was built, so decoding cannot fail; stop defensively if it does.
            guard let after = try? parser.decodeEscape(at: run, into: &out) else { break }
            j = after
        }
        return out
    }
}
