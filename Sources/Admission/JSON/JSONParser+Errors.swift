// JSONParser's error values, built out of line so the hot loop carries no message building.

extension JSONParser {
    @inline(never)
    static func endOfInput(at offset: Int, expecting what: StaticString) -> JSONParseError {
        JSONParseError(offset: offset, message: "unexpected end of input, expected \(what)")
    }

    @inline(never)
    static func endOfInputInString(at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, message: "unexpected end of input in string")
    }

    @inline(never)
    static func endOfInputInContainer(at offset: Int, isObject: Bool) -> JSONParseError {
        JSONParseError(offset: offset, message: "unexpected end of input, expected ',' or '\(isObject ? "}" : "]")'")
    }

    @inline(never)
    static func unexpected(_ byte: UInt8, at offset: Int, expecting what: StaticString) -> JSONParseError {
        JSONParseError(offset: offset, message: "unexpected \(describe(byte)), expected \(what)")
    }

    @inline(never)
    static func afterTopLevelValue(_ byte: UInt8, at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, message: "unexpected \(describe(byte)) after the top-level value")
    }

    @inline(never)
    static func expectedSeparator(_ byte: UInt8, at offset: Int, isObject: Bool) -> JSONParseError {
        let what = isObject ? "'}' after object member" : "']' after array element"
        return JSONParseError(offset: offset, message: "expected ',' or \(what), found \(describe(byte))")
    }

    @inline(never)
    static func expectedKey(_ byte: UInt8, at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, message: "expected '\"' to start an object key, found \(describe(byte))")
    }

    @inline(never)
    static func expectedColon(at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, message: "expected ':' after object key")
    }

    @inline(never)
    static func tooDeep(at offset: Int, _ maxDepth: Int) -> JSONParseError {
        JSONParseError(offset: offset, message: "nesting deeper than \(maxDepth) levels")
    }

    @inline(never)
    static func controlCharacter(_ byte: UInt8, at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, message: "unescaped control character U+00\(hex2(byte)) in string")
    }

    @inline(never)
    static func leadingZero(at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, message: "leading zeros are not allowed in numbers")
    }

    @inline(never)
    static func expectedDigit(_ byte: UInt8, at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, message: "expected a digit, found \(describe(byte))")
    }

    @inline(never)
    static func expectedDigit(where what: StaticString, at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, message: "expected a digit \(what)")
    }
}
