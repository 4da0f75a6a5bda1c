// POST /reconciliation: an external trial balance uploaded as a file (multipart/form-data, works with
// JavaScript off), compared with the ledger's GL in memory and shown; nothing is stored. The body is
// bounded (413 past `MultipartForm.maximumBody`), a malformed one is a 400 with its stable code, a form
// without the session's CSRF token a 403, a rejected CSV the page with the parser's code, line and message
// (422); none of them writes anything.

import HTTPTypes
import Hummingbird
import Subledger

extension ConsoleApp {
    func upload<Context: RequestContext>(_ request: Request, _ context: Context) async -> Response {
        guard let viewer = await viewer(request) else { return Self.redirect("/login") }
        let form: MultipartForm
        let csrf: String?
        do {
            form = try await Self.multipart(request)
            csrf = try form.text("csrf")
        } catch {
            context.logger.notice("console: upload refused, \(error)")
            var response = errorPage(.badRequest(error.description), viewer)
            if error.code == .tooLarge { response.status = .contentTooLarge }
            return response
        }
        guard let csrf, SessionStore.constantTimeEqual(csrf, viewer.session.csrf) else {
            context.logger.notice("console: POST \(request.uri.path) refused, missing or wrong CSRF token")
            return errorPage(.forbidden("The form's CSRF token is missing or does not belong to this session."), viewer)
        }
        let upload: ExternalUpload
        do {
            upload = try ExternalUpload(form)
        } catch {
            return errorPage(.badRequest(error.description), viewer)
        }
        var query: [String: String] = [:]
        for name in ["date", "format", "table"] { query[name] = try? form.text(name) }
        let page = PageRequest(path: request.uri.path, query: query, viewer: viewer)
        var response = await render(request, context, page) { page in
            try await ExternalComparison.content(self.ledger, page, upload)
        }
        if upload.rejection != nil && response.status == .ok { response.status = .unprocessableContent }
        return response
    }

    /// The body as multipart/form-data: refused unread when its Content-Length is too large, and when it
    /// grows past the limit while it is read.
    static func multipart(_ request: Request) async throws(MultipartError) -> MultipartForm {
        let boundary = try MultipartForm.boundary(request.headers[.contentType])
        let tooLarge = MultipartError(.tooLarge, "the upload is larger than \(MultipartForm.maximumBody) bytes")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > MultipartForm.maximumBody {
            throw tooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: MultipartForm.maximumBody)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            // NIO's too-many-bytes error, which Hummingbird answers 413.
            throw tooLarge
        } catch {
            throw MultipartError(.framing, "the body could not be read: \(error)")
        }
        return try MultipartForm.parse(Array(buffer.readableBytesView), boundary: boundary)
    }
}

/// The uploaded trial balance: its file name, its text, and the parser's outcome.
struct ExternalUpload: Sendable {
    /// The field: the file input on the reconciliation page, the hidden copy on the comparison's CSV form.
    static let field = "trial_balance"

    var filename: String
    var text: String
    var balances: [ExternalBalance] = []
    /// Why the CSV was refused (nothing compared, nothing written), or a file that was not chosen.
    var rejection: Rejection?

    init(_ form: MultipartForm) throws(MultipartError) {
        let part = form[Self.field]
        let named = try form.text("filename")
        filename = part?.filename ?? named ?? ""
        text = try form.text(Self.field) ?? ""
        if part == nil || (part?.filename != nil && part?.body.isEmpty == true) {
            rejection = Rejection(
                .missingField, field: Self.field, "choose a trial balance file (CSV with columns account,balance)")
            return
        }
        do throws(Rejection) { balances = try ExternalTrialBalance.parse(text) } catch { rejection = error }
    }
}
