import Foundation
import Hummingbird

/// The console's static files: only those shipped with the package, by name (no path).
enum Assets {
    static let files: [String: (type: String, body: ByteBuffer)] = {
        var files: [String: (String, ByteBuffer)] = [:]
        for (name, type) in [
            ("console.css", "text/css; charset=utf-8"), ("audit.js", "text/javascript; charset=utf-8"), ("run.js", "text/javascript; charset=utf-8"),
        ] {
            guard let url = Bundle.module.url(forResource: "Assets/\(name)", withExtension: nil), let data = try? Data(contentsOf: url) else { continue }
            files[name] = (type, ByteBuffer(bytes: data))
        }
        return files
    }()

    static func response(for name: String) throws -> Response {
        guard let file = files[name] else { throw HTTPError(.notFound) }
        return Response(
            status: .ok, headers: [.contentType: file.type, .cacheControl: "public, max-age=3600", .xContentTypeOptions: "nosniff"],
            body: ResponseBody(byteBuffer: file.body))
    }
}
