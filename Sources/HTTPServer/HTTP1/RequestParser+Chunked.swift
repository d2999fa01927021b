// The chunked transfer coding of RFC 9112 §7.1: chunk-size lines and chunk data.

extension RequestParser {
    /// A chunk-size of more hex digits than this is refused (16 digits already exceed any
    /// body limit; the bound keeps the arithmetic overflow-free).
    static let maxChunkSizeDigits = 16

    /// `chunk-size [ chunk-ext ] CRLF`. Returns an event to hand out, or nil to keep stepping.
    mutating func stepChunkSize(_ raw: UnsafeRawBufferPointer) -> Event? {
        switch scanLine(raw) {
        case .incomplete:
            if raw.count &- readIndex > Self.maxChunkLineBytes { return fail(.badRequest("chunk-size line too long")) }
            return waitForBody()
        case let .line(content, next, endsWithCRLF):
            if next &- readIndex > Self.maxChunkLineBytes { return fail(.badRequest("chunk-size line too long")) }
            if !endsWithCRLF { return fail(.badRequest("bare LF in chunked body")) }
            consume(to: next)
            let size: Int
            switch Self.chunkSize(raw, content) {
            case .success(let value): size = value
            case .failure(let error): return fail(error)
            }
            if size == 0 {
                state = .trailerLines  // last-chunk; trailer section follows (RFC 9112 §7.1.2)
            } else if size > limits.maxBodyBytes &- body.count {
                return fail(HTTPParseError(status: 413, message: "request body too large"))
            } else {
                state = .chunkData(size: size)
            }
            return nil
        }
    }

    /// `chunk-data CRLF`, taken whole once buffered. A byte other than CR right after the data
    /// is refused as soon as it arrives.
    mutating func stepChunkData(_ raw: UnsafeRawBufferPointer, size: Int) -> Event? {
        let available = raw.count &- readIndex
        guard available > size else { return waitForBody() }
        let dataEnd = readIndex &+ size
        guard raw[dataEnd] == HTTP1Syntax.cr else { return fail(.badRequest("chunk data not followed by CRLF")) }
        guard available &- size >= 2 else { return waitForBody() }
        guard raw[dataEnd &+ 1] == HTTP1Syntax.lf else { return fail(.badRequest("chunk data not followed by CRLF")) }
        body.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[readIndex..<dataEnd]))
        consume(to: dataEnd &+ 2)
        state = .chunkSize
        return nil
    }

    /// The hex size of a chunk-size line; extensions (`BWS ";" ...`) are checked for control
    /// bytes and otherwise ignored (RFC 9112 §7.1.1).
    static func chunkSize(_ raw: UnsafeRawBufferPointer, _ line: Range<Int>) -> Result<Int, HTTPParseError> {
        var value = 0
        var digits = 0
        var i = line.lowerBound
        while i < line.upperBound, let digit = hexValue(raw[i]) {
            digits &+= 1
            guard digits <= maxChunkSizeDigits else { return .failure(.badRequest("chunk size too long")) }
            let (times16, o1) = value.multipliedReportingOverflow(by: 16)
            let (sum, o2) = times16.addingReportingOverflow(digit)
            if o1 || o2 { return .failure(.badRequest("chunk size overflows")) }
            value = sum
            i &+= 1
        }
        guard digits > 0 else { return .failure(.badRequest("invalid chunk size")) }
        while i < line.upperBound, HTTP1Syntax.isWhitespace(raw[i]) { i &+= 1 }
        if i < line.upperBound {
            guard raw[i] == UInt8(ascii: ";") else { return .failure(.badRequest("invalid chunk size")) }
            while i < line.upperBound {
                if HTTP1Syntax.isForbiddenControl(raw[i]) {
                    return .failure(.badRequest("control character in chunk extension"))
                }
                i &+= 1
            }
        }
        return .success(value)
    }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(b &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(b &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(b &- UInt8(ascii: "A") &+ 10)
        default: return nil
        }
    }
}
