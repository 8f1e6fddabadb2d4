import Configuration
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

@Suite struct RedirectTests {
    @Test(arguments: TestEngine.available)
    func redirectsWithTheExactLocationAndCountsEveryGet(_ engine: TestEngine) async throws {
        try await withTestServer(engine) { server, database in
            try await server.link("https://example.com/a", name: "abc")
            try await server.application.test(.router) { client in
                for _ in 0..<25 {
                    try await client.execute(uri: "/abc", method: .get, headers: browser) { response in
                        #expect(response.status == .found)
                        #expect(response.headers[.location] == "https://example.com/a")
                        #expect(response.headers[.cacheControl] == "private, no-store")
                    }
                }
                // HEAD answers the same but is never a hit.
                try await client.execute(uri: "/abc", method: .head) { response in
                    #expect(response.status == .found)
                    #expect(response.headers[.location] == "https://example.com/a")
                }
            }
            // The test client shut the application down, which drained the buffer.
            #expect(try await database.count("hits") == 25)
            #expect(try await database.count("stats_hourly", where: "entity_kind = 1 AND clicks = 25") == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func honoursRedirectTypesAndForwardsTheQuery(_ engine: TestEngine) async throws {
        try await withTestServer(engine) { server, database in
            try await server.link("https://example.com/p?id=7#top", name: "perm", redirect: .movedPermanently)
            try await server.link("https://example.com/t", name: "temp", redirect: .temporaryRedirect)
            try await server.application.test(.router) { client in
                try await client.execute(uri: "/perm?utm_source=mail&x=1", method: .get) { response in
                    #expect(response.status == .movedPermanently)
                    #expect(response.headers[.location] == "https://example.com/p?id=7&utm_source=mail&x=1#top")
                    #expect(response.headers[.cacheControl] == nil)  // a 301 is meant to be cached
                }
                try await client.execute(uri: "/temp", method: .get) { response in
                    #expect(response.status == .temporaryRedirect)
                    #expect(response.headers[.location] == "https://example.com/t")
                }
            }
            #expect(try await database.count("hits", where: "query = 'utm_source=mail&x=1'") == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func pausedDeletedAndUnknownNamesAre404AndNotCounted(_ engine: TestEngine) async throws {
        try await withTestServer(engine) { server, database in
            let paused = try await server.link("https://example.com/1", name: "paused")
            let deleted = try await server.link("https://example.com/2", name: "gone")
            let blocked = try await server.link("https://example.com/3", name: "blocked")
            _ = try await server.datapoints.setStatus(id: paused.id, to: .paused)
            _ = try await server.datapoints.setStatus(id: deleted.id, to: .deleted)
            _ = try await server.datapoints.setStatus(id: blocked.id, to: .abuse)
            try await server.application.test(.router) { client in
                for path in ["/paused", "/gone", "/nope", "/blocked", "/bad%20name", "/" + String(repeating: "x", count: 65)] {
                    try await client.execute(uri: path, method: .get) { response in
                        #expect(response.status == .notFound, "\(path)")
                        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                        #expect(response.text.contains("Link not found"))
                    }
                }
            }
            #expect(try await database.count("hits") == 1)  // only the blocked link's visit is kept
            #expect(try await database.count("hits", where: "datapoint_id = \(blocked.id)") == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func pixelsAnswerATransparentGIFAndCountViews(_ engine: TestEngine) async throws {
        try await withTestServer(engine) { server, database in
            try await server.pixel(name: "open1")
            try await server.link("https://example.com", name: "link1")
            try await server.application.test(.router) { client in
                for path in ["/open1", "/open1.gif"] {
                    try await client.execute(uri: path, method: .get) { response in
                        #expect(response.status == .ok)
                        #expect(response.headers[.contentType] == "image/gif")
                        #expect(response.headers[.cacheControl]?.contains("no-store") == true)
                        #expect(Array(buffer: response.body).count == 43)
                        #expect(Array(buffer: response.body).prefix(6) == [UInt8]("GIF89a".utf8)[...])
                    }
                }
                try await client.execute(uri: "/open1.gif", method: .head) { #expect($0.status == .ok) }
                try await client.execute(uri: "/link1.gif", method: .get) { #expect($0.status == .notFound) }
            }
            #expect(try await database.count("hits", where: "kind = 1") == 2)
            #expect(try await database.count("hits") == 2)
        }
    }

    @Test(arguments: TestEngine.available)
    func reservedPathsNeverReachTheTracker(_ engine: TestEngine) async throws {
        try await withTestServer(engine) { server, _ in
            try await server.application.test(.router) { client in
                let response = try await client.execute(uri: "/v2", method: .get) { $0 }
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let body = try response.json()
                #expect(body["errorCode"] as? Int == 404)
                let errors = try #require(body["errors"] as? [[String: Any]])
                #expect(errors.first?["code"] as? String == "http_404")
                try await client.execute(uri: "/health", method: .post) { response in
                    #expect(response.status.code >= 400 && response.status.code < 500)
                }
            }
        }
    }
}
