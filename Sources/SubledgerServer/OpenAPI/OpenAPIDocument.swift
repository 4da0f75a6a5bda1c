import Hummingbird

/// `openapi.yaml` (OpenAPI 3.1), compiled into the binary (Package.swift `embedInCode`) so the server
/// describes exactly the API it was built with; `OpenAPITests` checks it against the router's routes.
enum OpenAPIDocument {
    static let path = "/openapi.yaml"

    static func add(to router: Router<ServerContext>) {
        router.get(RouterPath(stringLiteral: path)) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml"
            return Response(
                status: .ok, headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
    }
}
