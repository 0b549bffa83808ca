import Foundation
import Testing

@testable import DharmaNet
@testable import DharmaProviders

@Suite("Listening sockets: who holds a port")
struct ListeningSocketsTests {
    @Test("a socket this process listens on is found on its port, and gone once closed")
    func ownListener() throws {
        let port = try #require(PortAllocator.freePort())
        let listener = try LoopbackSocket.listen(port: port)
        let listening = try #require(ListeningSockets.byPort(), "this machine publishes /proc/net/tcp")[port] ?? []
        #expect(listening.count == 1)
        #expect(!ListeningSockets.socketInodes(of: getpid()).isDisjoint(with: listening))
        close(listener)
        // Tests running alongside may take the freed port at once; our socket is what must be gone.
        #expect((ListeningSockets.byPort()?[port] ?? []).isDisjoint(with: listening))
    }

    @Test("every listener is found though the socket table spans many pages")
    func longTable() throws {
        // About 150 bytes a row: 100 listeners fill four pages of /proc/net/tcp, and a
        // reader that stops after its first read would miss most of them.
        var listeners: [Int32: Int] = [:]
        defer { for socket in listeners.keys { close(socket) } }
        for _ in 0..<1000 where listeners.count < 100 {
            // A picked port can still be the local end of a connection another test holds.
            guard let port = PortAllocator.freePort(), let socket = try? LoopbackSocket.listen(port: port) else { continue }
            listeners[socket] = port
        }
        try #require(listeners.count == 100)
        let table = try #require(ListeningSockets.byPort())
        let unfound = listeners.values.filter { table[$0]?.isEmpty != false }
        #expect(unfound.isEmpty, "\(unfound.count) of 100 listeners not found")
    }

    @Test("rows are read by state and port, IPv4 and IPv6 alike")
    func rows() {
        let listen4 = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0"
        let connected4 = "   1: 0100007F:1F90 0100007F:D3A2 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1"
        let listen6 =
            "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4444 1 0000000000000000 100 0 0 10 0"
        #expect(ListeningSockets.listening(Array(listen4.utf8)[...])?.port == 8080)
        #expect(ListeningSockets.listening(Array(listen4.utf8)[...])?.inode == 4242)
        #expect(ListeningSockets.listening(Array(connected4.utf8)[...]) == nil, "an established connection is not a listener")
        #expect(ListeningSockets.listening(Array(listen6.utf8)[...])?.port == 8080)
        #expect(ListeningSockets.listening(Array(listen6.utf8)[...])?.inode == 4444)
        #expect(ListeningSockets.listening(Array("garbage".utf8)[...]) == nil)
    }
}
