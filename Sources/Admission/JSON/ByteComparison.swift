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
