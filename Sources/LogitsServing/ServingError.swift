import Hummingbird
import Logits

/// An error answered to the client as `{"error": "message"}` with an HTTP status.
public struct ServingError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status of the answer (400, 401, 404, 405, 413, 503, ...).
    public var status: HTTPResponse.Status
    /// One line saying what was wrong and what was expected.
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.code): \(message)" }

    /// 400 Bad Request.
    public static func badRequest(_ message: String) -> ServingError { ServingError(.badRequest, message) }

    /// The answer for any error: a `ServingError` as itself, a JSON syntax error or a library
    /// shape/value error as 400, Hummingbird's own errors (such as 413 from the body limit) with
    /// their status; anything else as 500 without internals.
    public static func from(_ error: any Error) -> ServingError {
        switch error {
        case let e as ServingError: return e
        case let e as JSONSyntaxError: return .badRequest(e.description)
        case let e as LogitsError: return .badRequest("\(e)")
        case let e as any HTTPResponseError where e.status == .contentTooLarge:
            return ServingError(.contentTooLarge, "the request body is larger than the server's limit (--max-body)")
        case let e as HTTPError:
            return ServingError(e.status, e.body ?? e.status.reasonPhrase)
        case let e as any HTTPResponseError:
            return ServingError(e.status, e.status.reasonPhrase)
        default: return ServingError(.internalServerError, "internal error")
        }
    }

    /// The JSON response carrying this error.
    public var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\(JSONText.string(message))}")))
    }
}

/// A JSON response with status 200 (or `status`).
func jsonResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
}
