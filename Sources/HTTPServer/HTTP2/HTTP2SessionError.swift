// The error an HTTP2Session throws when libnghttp2 cannot set a session up.

/// Why `HTTP2Session.init` failed: the libnghttp2 call and its error code. A value handed to
/// whoever creates the session (the event loop); it never describes peer behaviour, which is
/// reported through `HTTP2Session.receive` instead.
package struct HTTP2SessionError: Error, Sendable, CustomStringConvertible {
    /// The libnghttp2 function that failed.
    package var call: String
    /// The nghttp2_error code it returned.
    package var code: Int32

    package init(call: String, code: Int32) {
        self.call = call
        self.code = code
    }

    package var description: String { "\(call) failed: nghttp2 error \(code)" }
}
