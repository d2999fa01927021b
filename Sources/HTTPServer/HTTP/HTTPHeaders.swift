// HTTP header fields as an ordered list with case-insensitive lookup (RFC 9110 §5.1).

/// An ordered list of header fields. Names read lower-cased (HTTP/2 requires it on the wire,
/// RFC 9113 §8.2.1, and HTTP/1.1 names are case-insensitive), values as received with
/// surrounding whitespace trimmed.
///
/// The HTTP/1.1 parser's fields stay bytes until someone asks for them: the header block is
/// shared with the parser's buffer (copy-on-write keeps it intact) and each field is a pair of
/// byte ranges into it. A server handler reads two or three of them, or none; making a String
/// of every name and value and freeing them all again cost ~3,000 instructions per keep-alive
/// request (callgrind: String decoding ~1,700, the array of Strings destroyed ~750, the
/// content-type lookup ~370). Fields added with `add` are kept as Strings, after those.
///
/// A value type owned by whoever holds it; it does not validate tokens (the parsers do).
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    public typealias Element = (name: String, value: String)

    /// One received field: where its name and its trimmed value lie in `rawBytes`, counted from
    /// `rawBase`. Plain integers, so the list is freed without visiting its elements.
    package struct FieldSpan: Sendable, Equatable {
        package let name: Range<Int>
        package let value: Range<Int>

        package init(name: Range<Int>, value: Range<Int>) {
            self.name = name
            self.value = value
        }
    }

    /// The bytes the spans point into; the parser's spans are checked tokens (names) and
    /// values free of CR, LF and NUL.
    private var rawBytes: [UInt8] = []
    private var rawBase = 0
    private var spans: [FieldSpan] = []
    /// Fields given as Strings (names lower-cased), after the spans' fields.
    private var added: [(name: String, value: String)] = []
    /// `added` as HTTP/1.1 field lines (`name: value` CRLF, CR, LF and NUL made spaces so that
    /// no value can split a response, RFC 9110 §5.5), kept as fields are added: a handler's
    /// response headers are mostly one static set (`HTTPResponse.jsonHeaders`), written by the
    /// response encoder in one copy. Made per response, they cost ~900 instructions (the
    /// fields walked twice as Strings, each scanned and copied: callgrind).
    package private(set) var addedFieldLines: [UInt8] = []

    public init() {}

    public init(_ fields: [(String, String)]) {
        added.reserveCapacity(fields.count)
        for (name, value) in fields { add(name: name, value: value) }
    }

    /// Received fields: `spans` index `bytes[base...]`, every span within `bytes`. Names must be
    /// tokens (RFC 9110 §5.6.2), hence ASCII.
    package init(bytes: [UInt8], base: Int, spans: [FieldSpan]) {
        assert(spans.allSatisfy { base >= 0 && $0.name.lowerBound >= 0 && $0.value.lowerBound >= 0
                && base &+ $0.name.upperBound <= bytes.count && base &+ $0.value.upperBound <= bytes.count })
        rawBytes = bytes
        rawBase = base
        self.spans = spans
    }

    /// Appends a field; the name is lower-cased.
    public mutating func add(name: String, value: String) {
        addLowercased(name: Self.lowercased(name), value: value)
    }

    /// Appends a field whose name the caller guarantees is already lower-case.
    package mutating func addLowercased(name: String, value: String) {
        added.append((name: name, value: value))
        Self.appendFieldText(name, to: &addedFieldLines)
        addedFieldLines.append(UInt8(ascii: ":"))
        addedFieldLines.append(UInt8(ascii: " "))
        Self.appendFieldText(value, to: &addedFieldLines)
        addedFieldLines.append(UInt8(ascii: "\r"))
        addedFieldLines.append(UInt8(ascii: "\n"))
    }

    /// Whether every field was added (none received): `addedFieldLines` then holds them all.
    package var hasOnlyAddedFields: Bool { spans.isEmpty }

    /// A header name or value for an HTTP/1.1 field line; CR, LF and NUL become SP.
    static func appendFieldText(_ text: String, to out: inout [UInt8]) {
        for b in text.utf8 { out.append(b == 0x0D || b == 0x0A || b == 0 ? 0x20 : b) }
    }

    /// Every field in order, as Strings.
    public var fields: [(name: String, value: String)] { Array(self) }

    /// The first value of `name` (case-insensitive), or nil.
    public subscript(first name: String) -> String? {
        var key = Self.lowercased(name)
        if !spans.isEmpty {
            let hit = key.withUTF8 { key in firstSpan(named: UnsafeRawBufferPointer(key)) }
            if let hit { return valueString(hit) }
        }
        for field in added where field.name == key { return field.value }
        return nil
    }

    /// Every value of `name` (case-insensitive), in order.
    public subscript(all name: String) -> [String] {
        var key = Self.lowercased(name)
        var values: [String] = []
        if !spans.isEmpty {
            key.withUTF8 { key in
                let key = UnsafeRawBufferPointer(key)
                for span in spans where nameMatches(span, key) { values.append(valueString(span)) }
            }
        }
        for field in added where field.name == key { values.append(field.value) }
        return values
    }

    /// Calls `body` with the bytes of the first value of `name`, which must be lower-case ASCII
    /// (a literal such as "content-type"), without making a String of it; nil when absent.
    package func withFirstValue<R>(_ name: StaticString, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        let key = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        if let span = firstSpan(named: key) {
            return rawBytes.withUnsafeBytes { raw in
                // In bounds: `init(bytes:base:spans:)` requires every span within `bytes`.
                body(UnsafeRawBufferPointer(rebasing: raw[(rawBase &+ span.value.lowerBound)..<(rawBase &+ span.value.upperBound)]))
            }
        }
        for field in added where field.name.utf8.elementsEqual(key) {
            var value = field.value
            return value.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }
        return nil
    }

    private func firstSpan(named key: UnsafeRawBufferPointer) -> FieldSpan? {
        for span in spans where nameMatches(span, key) { return span }
        return nil
    }

    /// True when the span's name equals the lower-case `key`, ignoring ASCII case (names are
    /// tokens: ASCII letters fold with 0x20, nothing else changes).
    private func nameMatches(_ span: FieldSpan, _ key: UnsafeRawBufferPointer) -> Bool {
        guard span.name.count == key.count else { return false }
        return rawBytes.withUnsafeBytes { raw in
            // In bounds: spans lie within `rawBytes` from `rawBase` (see the initializer), and
            // `key` has the span's length.
            guard let name = raw.baseAddress.map({ $0 + (rawBase &+ span.name.lowerBound) }),
                  let key = key.baseAddress else { return key.isEmpty }
            for k in 0..<span.name.count {
                let b = name.load(fromByteOffset: k, as: UInt8.self)
                let folded = b &- UInt8(ascii: "A") < 26 ? b | 0x20 : b
                if folded != key.load(fromByteOffset: k, as: UInt8.self) { return false }
            }
            return true
        }
    }

    private func nameString(_ span: FieldSpan) -> String {
        rawBytes.withUnsafeBytes { raw in
            HTTP1Syntax.lowercasedString(raw, (rawBase &+ span.name.lowerBound)..<(rawBase &+ span.name.upperBound))
        }
    }

    private func valueString(_ span: FieldSpan) -> String {
        rawBytes.withUnsafeBytes { raw in
            HTTP1Syntax.string(raw, (rawBase &+ span.value.lowerBound)..<(rawBase &+ span.value.upperBound))
        }
    }

    /// `name` lower-cased; as it is when it has no upper-case ASCII letter (the callers' names
    /// are literals such as "content-type": `lowercased()` would build a new string each time).
    /// The check runs over contiguous UTF-8 (`withUTF8`), not `utf8.allSatisfy`, whose index
    /// stepping made the Router's content-type lookup ~640 instructions; now ~370 (callgrind).
    private static func lowercased(_ name: String) -> String {
        var copy = name
        let alreadyLower = copy.withUTF8 { bytes in
            for b in bytes where b >= 0x80 || b &- UInt8(ascii: "A") < 26 { return false }
            return true
        }
        return alreadyLower ? name : name.lowercased()
    }

    public var count: Int { spans.count &+ added.count }

    /// Calls `body` with each field in order, as `for field in headers` would; the response
    /// encoder's way through a handler's fields (all Strings), which it walks twice: the
    /// `Iterator` copies the headers (three retains and releases) each time, ~320 instructions
    /// per response more (callgrind).
    package func forEachField(_ body: (_ name: String, _ value: String) -> Void) {
        for span in spans { body(nameString(span), valueString(span)) }
        for field in added { body(field.name, field.value) }
    }

    public func makeIterator() -> Iterator {
        Iterator(headers: self)
    }

    /// The fields in order, each made a String as it is reached.
    public struct Iterator: IteratorProtocol {
        let headers: HTTPHeaders
        var index = 0

        public mutating func next() -> (name: String, value: String)? {
            let spanCount = headers.spans.count
            if index < spanCount {
                let span = headers.spans[index]
                index &+= 1
                return (name: headers.nameString(span), value: headers.valueString(span))
            }
            let addedIndex = index &- spanCount
            guard addedIndex < headers.added.count else { return nil }
            index &+= 1
            return headers.added[addedIndex]
        }
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
