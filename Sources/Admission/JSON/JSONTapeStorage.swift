// The tape's storage: the finished `JSONTape` and the `JSONTapeBuilder` the parser fills.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A finished tape: the entries `JSONParser.parseTape` wrote, in the buffer it filled (handed
/// over, not copied). Read like an array: `count`, a bounds-checked subscript, and
/// `withUnsafeBufferPointer` for loops that index it heavily.
///
/// Immutable once built and owned by one `JSONDocument` (or one `JSONParser.parse` call);
/// any thread may read it. `@unchecked Sendable` because it holds a raw pointer: nothing
/// writes through it after `init`, and `deinit` frees it once.
@usableFromInline
final class JSONTape: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<JSONTapeEntry>
    @usableFromInline let count: Int

    /// Takes ownership of `count` initialised entries at `base` (from `JSONTapeBuilder.allocate`,
    /// which puts a sentinel slot before them).
    fileprivate init(taking base: UnsafeMutablePointer<JSONTapeEntry>, count: Int) {
        self.base = base
        self.count = count
    }

    /// A copy of `entries` (for tapes built by hand, not on the request path).
    convenience init(_ entries: [JSONTapeEntry]) {
        let base = JSONTapeBuilder.allocate(entries.count)
        entries.withUnsafeBufferPointer { buffer in
            if let source = buffer.baseAddress { base.initialize(from: source, count: buffer.count) }
        }
        self.init(taking: base, count: entries.count)
    }

    deinit { JSONTapeBuilder.release(base) }

    /// The entry at `index`; traps if it is out of range, as an array would (indexes come from
    /// the tape itself, so that is a bug, never an input's fault).
    @inlinable @inline(__always)
    subscript(index: Int) -> JSONTapeEntry {
        precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "tape index out of range")
        return base[index]
    }

    func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<JSONTapeEntry>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }
}

/// The tape while it is being built: a buffer managed by hand, so adding an entry is a store and
/// an increment (no uniqueness or capacity bookkeeping of an `Array` per value). `finished()`
/// hands the buffer over to a `JSONTape` without copying it.
///
/// Owned by one `parseTape` call (noncopyable: the buffer is freed exactly once, by the builder
/// when parsing throws, by the `JSONTape` otherwise); never shared. The buffer comes from
/// `malloc`, so growing and the final trim are `realloc`s (in place when the allocator can).
struct JSONTapeBuilder: ~Copyable {
    private(set) var base: UnsafeMutablePointer<JSONTapeEntry>
    private(set) var count = 0
    private var capacity: Int

    /// Room for `capacity` entries (at least 16).
    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = JSONTapeBuilder.allocate(self.capacity)
    }

    deinit { JSONTapeBuilder.release(base) }

    /// A buffer for `count` entries (uninitialised), after one sentinel slot at `base - 1`
    /// holding an empty array entry: the parser's container at top level (its byte offset is
    /// -16), so asking whether the open container is an object needs no top-level test.
    /// Running out of memory traps, as Swift's own allocation does.
    static func allocate(_ count: Int) -> UnsafeMutablePointer<JSONTapeEntry> {
        let (bytes, overflow) = (count + 1).multipliedReportingOverflow(by: MemoryLayout<JSONTapeEntry>.stride)
        guard !overflow, let raw = malloc(bytes) else { fatalError("out of memory for a JSON tape of \(count) entries") }
        let slots = raw.bindMemory(to: JSONTapeEntry.self, capacity: count + 1)
        slots.initialize(to: JSONTapeEntry(kind: .array, flag: false, start: 0, end: 0, next: 0))
        return slots + 1
    }

    /// Frees a buffer from `allocate` (or `grown`, `finished`): its allocation starts at the
    /// sentinel slot.
    static func release(_ base: UnsafeMutablePointer<JSONTapeEntry>) {
        free(base - 1)
    }

    /// Makes room for `n` more entries (`n` at most 16: growing doubles a capacity of at least
    /// 16). The parser reserves two (a member's key and value) once per value and then appends
    /// without a check each (measured: 24,556 → 23,631 instructions per 3.6 KB review); for
    /// inputs that `JSONParser.usesBoundedTape` it reserves the most the input can
    /// need up front instead and never calls this.
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if count &+ n > capacity { (base, capacity) = JSONTapeBuilder.grown(base, capacity: capacity) }
    }

    /// Appends `entry` into room made by `reserve` or the initial capacity (asserted in debug
    /// builds, where the test suite's generated documents run; the fuzzer's ASan build would
    /// catch an overrun).
    @inline(__always)
    mutating func appendReserved(_ entry: JSONTapeEntry) {
        assert(count < capacity, "tape entry appended without room")
        (base + count).initialize(to: entry)
        count &+= 1
    }

    /// The entry `offset` bytes from the first (its index times 16), which must be an entry
    /// below `count` or the sentinel slot (-16): the parser only passes offsets of containers
    /// it appended and is in, or -16 at top level.
    @inline(__always)
    subscript(byteOffset offset: Int) -> JSONTapeEntry {
        unsafeAddress { UnsafeRawPointer(base).advanced(by: offset).assumingMemoryBound(to: JSONTapeEntry.self) }
        nonmutating unsafeMutableAddress { UnsafeMutableRawPointer(base).advanced(by: offset).assumingMemoryBound(to: JSONTapeEntry.self) }
    }

    /// The entry at `index`, which must be below `count`: the parser only passes indexes of
    /// entries it appended (open containers). Addressors, so `tape[k].next = n` stores that one
    /// field (with a getter and setter the whole entry was read and written back).
    @inline(__always)
    subscript(index: Int) -> JSONTapeEntry {
        unsafeAddress { UnsafePointer(base + index) }
        nonmutating unsafeMutableAddress { base + index }
    }

    /// The buffer at twice the capacity, entries kept. Static, so the builder's fields never
    /// leave registers in the parser's loop.
    @inline(never)
    private static func grown(_ base: UnsafeMutablePointer<JSONTapeEntry>,
                              capacity: Int) -> (UnsafeMutablePointer<JSONTapeEntry>, Int) {
        let (bytes, overflow) = (capacity * 2).multipliedReportingOverflow(by: MemoryLayout<JSONTapeEntry>.stride)
        guard !overflow, let raw = realloc(base - 1, bytes + MemoryLayout<JSONTapeEntry>.stride) else {
            fatalError("out of memory for a JSON tape of \(capacity * 2) entries")
        }
        return (raw.bindMemory(to: JSONTapeEntry.self, capacity: capacity * 2 + 1) + 1, capacity * 2)
    }

    /// The finished tape, owning this buffer. A buffer more than a quarter unused is trimmed to
    /// the entries (a `realloc` that shrinks in place), so a tape reserved for the worst case
    /// holds no more than it uses once built.
    consuming func finished() -> JSONTape {
        var base = self.base
        if capacity - count > capacity / 4, let trimmed = realloc(base - 1, (count + 1) * MemoryLayout<JSONTapeEntry>.stride) {
            base = trimmed.bindMemory(to: JSONTapeEntry.self, capacity: count + 1) + 1
        }
        let tape = JSONTape(taking: base, count: count)
        discard self
        return tape
    }
}
