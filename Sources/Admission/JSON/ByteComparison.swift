// Equality of short byte runs (object keys, field names) without a call to memcmp.

/// Whether the `count` bytes at `a` and at `b` are equal: the comparison of object keys with
/// the names readers look for, which are short (4 to 46 bytes). Compared a word at a time,
/// the last word overlapping the one before it (every load within the `count` bytes): libc's
/// memcmp cost ~19 instructions inside it for these lengths, ~56 times per review (/mutate
/// 47,413 -> 47,288 instructions per review, callgrind, ksvc-review-3.6k). Out of line on
/// purpose: inlined, it made `position` too large to be inlined into the walks and the
/// envelope reader's field matching slower (47,413 -> 48,191).
@inline(never)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
    let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
    if count >= 8 {
        var i = 0
        while count &- i > 8 {
            guard x.loadUnaligned(fromByteOffset: i, as: UInt64.self) == y.loadUnaligned(fromByteOffset: i, as: UInt64.self) else {
                return false
            }
            i &+= 8
        }
        return x.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
    }
    if count >= 4 {
        return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
            && x.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
    }
    // 0 to 3 bytes: the first, the middle and the last (the same byte for short runs).
    guard count > 0 else { return true }
    return a[0] == b[0] && a[count &- 1] == b[count &- 1] && a[count >> 1] == b[count >> 1]
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes are exactly `literal`'s UTF-8 (of 1 to 24 bytes): `bytesEqual`'s
    /// word-at-a-time comparison, inlined and unrolled for a literal whose length the compiler
    /// knows, where `equals(_:)` calls `bytesEqual`. For the envelope's member names, about 25
    /// per review, its API version and known names (/mutate 39,722 -> 39,179 instructions per
    /// review against `bytesEqual` calls).
    @inline(__always)
    func sameBytes(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard let base = baseAddress, count == n, n > 0, n <= 24 else { return false }
        let x = UnsafeRawPointer(base), y = UnsafeRawPointer(literal.utf8Start)
        if n > 16 {
            return x.loadUnaligned(as: UInt64.self) == y.loadUnaligned(as: UInt64.self)
                && x.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                && x.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        }
        if n >= 8 {
            return x.loadUnaligned(as: UInt64.self) == y.loadUnaligned(as: UInt64.self)
                && x.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        }
        if n >= 4 {
            return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
        }
        return base[0] == literal.utf8Start[0] && base[n &- 1] == literal.utf8Start[n &- 1] && base[n >> 1] == literal.utf8Start[n >> 1]
    }
}
