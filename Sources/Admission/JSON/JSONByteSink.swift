// Where the JSON writing code puts its bytes: a growing array, a counter, or memory sized in advance.

/// A destination for the bytes `JSONWriter`'s static writing functions produce.
///
/// The same writing code runs over three sinks: `[UInt8]` (grows as needed: `JSONWriter`, log
/// lines), `JSONByteCounter` (counts only) and `UnsafeByteOutput` (memory of a size fixed in
/// advance). Counting first and then writing into exactly that much memory is how the answer
/// and the patch are built in one allocation each; because both passes run the same code, the
/// count cannot disagree with what is written. Implementations are values owned by one writer.
protocol JSONByteSink {
    mutating func write(_ byte: UInt8)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Writes `count` bytes that `fill` stores into the buffer it is given, which it must fill
    /// completely (base64 text, encoded straight into the answer). A sink that only counts
    /// does not call `fill`.
    mutating func write(count: Int, filling fill: (UnsafeMutableBufferPointer<UInt8>) -> Void)
}

/// Something written by the code generic over `JSONByteSink`, the same bytes on every call
/// with the same `context`: what `[UInt8](writing:context:)` takes. The context carries what
/// the writing needs besides the value itself, so that the value is borrowed, never copied
/// into a wrapper (a copy of an `AdmissionResponse` is a retain and release per field).
protocol JSONByteWritable {
    associatedtype Context
    func write<Sink: JSONByteSink>(to sink: inout Sink, context: Context)
    /// `write(to:context:)` on the value behind `item`, which `[UInt8](writing:context:)`
    /// calls. By default it reads the value out (a copy, for the reason given there); a type
    /// whose copy is costly reads only the fields it writes instead.
    static func write<Sink: JSONByteSink>(_ item: UnsafePointer<Self>, to sink: inout Sink, context: Context)
}

extension JSONByteWritable {
    static func write<Sink: JSONByteSink>(_ item: UnsafePointer<Self>, to sink: inout Sink, context: Context) {
        item.pointee.write(to: &sink, context: context)
    }
}

extension JSONByteSink {
    /// Writes fixed text as it stands (punctuation, member names, whole fragments).
    @inline(__always)
    mutating func write(literal text: StaticString) {
        text.withUTF8Buffer { write($0) }
    }

    /// Writes the UTF-8 bytes of `s` as they are.
    @inline(__always)
    mutating func write(utf8 s: String) {
        withUTF8(s) { write($0) }
    }
}

/// Calls `body` with the UTF-8 bytes of `s`, without copying them for native Strings (small
/// ones are copied to the stack by the standard library, which is cheap); only a foreign
/// String, which this module never makes, is copied into a native one first.
@inline(__always)
func withUTF8<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = s.utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = s
    return copy.withUTF8(body)
}

extension Array: JSONByteSink where Element == UInt8 {
    @inline(__always)
    mutating func write(_ byte: UInt8) { append(byte) }

    @inline(__always)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }

    mutating func write(count: Int, filling fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        let start = self.count
        append(contentsOf: repeatElement(0, count: Swift.max(count, 0)))
        withUnsafeMutableBufferPointer { fill(UnsafeMutableBufferPointer(rebasing: $0[start...])) }
    }
}

/// Counts the bytes a write would produce, and keeps none: the first of the two passes that
/// size a buffer exactly. A value owned by one writer.
struct JSONByteCounter: JSONByteSink {
    private(set) var count = 0

    @inline(__always)
    mutating func write(_ byte: UInt8) { count &+= 1 }

    @inline(__always)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) { count &+= bytes.count }

    mutating func write(count n: Int, filling fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) { count &+= n }
}

/// Writes into memory whose size was fixed in advance (normally by a `JSONByteCounter` pass
/// over the same writing code), with no capacity growth and no per-append array overhead.
///
/// A value owned by one writer, over memory the caller owns for as long as it is used. Every
/// write checks the space left first: a write that does not fit is dropped whole and sets
/// `overflowed`, so no byte is ever stored outside the buffer, even if the count that sized it
/// were wrong; callers then fall back to a growing array rather than return a short answer.
struct UnsafeByteOutput: JSONByteSink {
    private let start: UnsafeMutablePointer<UInt8>?
    private let capacity: Int
    /// Bytes written so far, from the start of the buffer.
    private(set) var count = 0
    /// True once a write did not fit (and was dropped).
    private(set) var overflowed = false

    /// Writes into `buffer`, whose bytes need not be initialised.
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        start = buffer.baseAddress
        capacity = buffer.count
    }

    /// True when all of the buffer has been written and nothing overflowed.
    var isExactlyFull: Bool { !overflowed && count == capacity }

    @inline(__always)
    mutating func write(_ byte: UInt8) {
        guard let start, count < capacity else {
            overflowed = true
            return
        }
        (start + count).initialize(to: byte)
        count &+= 1
    }

    @inline(__always)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }  // nothing to write
        guard let start, capacity &- count >= bytes.count else {
            overflowed = true
            return
        }
        UnsafeByteOutput.copy(source, count: bytes.count, to: start + count)
        count &+= bytes.count
    }

    /// Copies `n` bytes from `source` to `destination` (which do not overlap). Up to 16 bytes,
    /// which is most tokens, member names and literals of an answer, are copied as two
    /// overlapping copies of a fixed size (which the compiler makes one load and one store
    /// each) instead of a call to `memcpy` with its size dispatch (per review of the reference
    /// review, encode 6,567 → 6,536 instructions; four copies for 17 to 32 bytes gained
    /// nothing more). `copyMemory` of a constant size rather than unaligned word loads and
    /// stores: with those, the compiler retained and released every pointer token around its
    /// write, and encode rose instead (6,993 → 7,445). In bounds: every copy reads within
    /// `source ..< source + n` and writes within `destination ..< destination + n`.
    @inline(__always)
    static func copy(_ source: UnsafePointer<UInt8>, count n: Int, to destination: UnsafeMutablePointer<UInt8>) {
        @inline(__always) func pair(_ width: Int) {
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: width)
            UnsafeMutableRawPointer(destination + (n &- width)).copyMemory(from: source + (n &- width), byteCount: width)
        }
        switch n {
        case 8...16: pair(8)
        case 4...7: pair(4)
        case 2...3: pair(2)
        case 1: destination.initialize(to: source.pointee)
        default: destination.initialize(from: source, count: n)
        }
    }

    /// Hands `fill` the next `n` bytes of the buffer, or sets `overflowed` when fewer are left.
    mutating func write(count n: Int, filling fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        guard n != 0 else { return }  // nothing to fill
        guard let start, n > 0, capacity &- count >= n else {
            overflowed = true
            return
        }
        fill(UnsafeMutableBufferPointer(start: start + count, count: n))
        count &+= n
    }
}

extension Array where Element == UInt8 {
    /// The largest text `init(writing:)` first tries to write into a temporary buffer: one the
    /// standard library always places on the stack (above 1 KiB it asks the runtime about the
    /// thread's stack, which is costly). Answers and patches are usually a few hundred bytes.
    static let stackWriteLimit = 1024

    /// The bytes `item` writes with `context`, in an array allocated once at exactly their length.
    ///
    /// Up to `stackWriteLimit` bytes are written on the stack and copied into an array made from
    /// that buffer (`Array(_:)` allocates exactly its length and copies it; reserving an empty
    /// array and appending went through the regrowth path: encode 6,993 → 6,839 instructions
    /// per review of the reference review): no counting pass, which costs about as much as the
    /// writing, and no `[UInt8](unsafeUninitializedCapacity:)`, which goes through an
    /// unspecialised allocation in the standard library that looks up generic metadata on every
    /// call and cost more than the copy. Longer texts are counted, then written in place into an array of that length.
    init<Item: JSONByteWritable>(writing item: borrowing Item, context: Item.Context) {
        // The closures below capture pointers to `item` and `context`, not the values: a
        // closure's capture of a value is a copy (for an `AdmissionResponse`, a retain and a
        // release of every field, which cost more than anything else here).
        self = withUnsafePointer(to: item) { item in
            withUnsafePointer(to: context) { context in [UInt8](writing: item, context: context) }
        }
    }

    /// `init(writing:context:)` on the values behind `item` and `context`.
    private init<Item: JSONByteWritable>(writing item: UnsafePointer<Item>, context: UnsafePointer<Item.Context>) {
        let fitted: [UInt8]? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: [UInt8].stackWriteLimit) { buffer in
            var output = UnsafeByteOutput(buffer)
            Item.write(item, to: &output, context: context.pointee)
            guard !output.overflowed else { return nil }
            return [UInt8](UnsafeBufferPointer(rebasing: buffer[..<output.count]))
        }
        if let fitted {
            self = fitted
            return
        }
        var counter = JSONByteCounter()
        Item.write(item, to: &counter, context: context.pointee)
        var complete = false
        let exact = [UInt8](unsafeUninitializedCapacity: counter.count) { buffer, initialized in
            var output = UnsafeByteOutput(buffer)
            Item.write(item, to: &output, context: context.pointee)
            complete = output.isExactlyFull
            initialized = complete ? output.count : 0
        }
        if complete {
            self = exact
            return
        }
        // Unreachable while counting and writing run the same code; a growing array keeps the
        // text right (never short) should they ever disagree.
        var grown: [UInt8] = []
        Item.write(item, to: &grown, context: context.pointee)
        self = grown
    }
}
